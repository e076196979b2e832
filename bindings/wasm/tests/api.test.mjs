// The package's API through the installed tarball: records, caching, scan offsets, error bodies, streaming.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as pkg from 'iothub-errors';
import { lookup, byName, resolve, search, classify, catalog, scan, parseErrorBody, Diagnoser, isInitialized } from 'iothub-errors';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

test('importing in Node initializes the module', () => {
  assert.equal(isInitialized(), true);
  assert.deepEqual(Object.keys(pkg).sort(), [
    'Diagnoser', 'IotHubError', 'IotHubLoadError', 'IotHubRangeError', 'IotHubStateError', 'IotHubTypeError', 'MAX_QUERY_BYTES',
    'MAX_TEXT_LENGTH', 'byName', 'catalog', 'classify', 'errorFacts', 'fromError', 'init', 'initSync', 'isInitialized', 'lookup',
    'parseErrorBody', 'resolve', 'scan', 'search',
  ]);
});

test('the package.json is what npm users get', () => {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(readFileSync(require.resolve('iothub-errors/package.json'), 'utf8'));
  assert.equal(manifest.name, 'iothub-errors');
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
  assert.notEqual(manifest.version, '0.0.0-workspace');
  assert.equal(manifest.exports['.'].types, './index.d.ts');
});

test('lookup returns a frozen plain entry, the same object every time', () => {
  const entry = lookup(401003);
  assert.equal(entry.name, 'IotHubUnauthorized');
  assert.equal(entry.class, 'Unauthorized');
  assert.equal(entry.family, '401xxx Unauthorized');
  assert.equal(entry.retry.kind, 'reconnect-with-new-token');
  assert.equal(Object.getPrototypeOf(entry), Object.prototype);
  assert.ok(Object.isFrozen(entry) && Object.isFrozen(entry.fixes) && Object.isFrozen(entry.sdk_views[0]));
  assert.equal(lookup(401003), entry);
  assert.equal(entry.sdk_views.length, 7);
  assert.equal(entry.decision === null || typeof entry.decision === 'string', true);
  assert.match(entry.doc_url, /^https:\/\//);
  // The same JSON as the CLI's: null, not undefined, for absent values.
  assert.equal(byName('InternalServerError').code, null);
});

test('the article typo 404102 resolves to DeviceNotOnline 404103', () => {
  assert.equal(lookup(404102).code, 404103);
  const resolution = resolve('aka.ms/iothub404102');
  assert.equal(resolution.matched_by, 'alias-code');
  assert.equal(resolution.entry, lookup(404103));
  assert.equal(resolution.classification.known, true);
});

test('unlisted codes resolve to a classification without an entry', () => {
  const resolution = resolve('Error 403150');
  assert.equal(resolution.entry, null);
  assert.equal(resolution.matched_by, 'unlisted-code');
  assert.equal(resolution.classification.family, '4031xx Device model forbidden');
  const c = classify(429999);
  assert.equal(c.known, false);
  assert.deepEqual(c.retry, { kind: 'backoff', initial_ms: 10000, max_ms: 120000, jitter_percent: 20 });
});

test('search ranks and returns cached entries', () => {
  const hits = search('file upload limit');
  assert.ok(hits.length > 3);
  assert.ok(hits.slice(0, 3).some((hit) => hit.entry.code === 403006));
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
  assert.equal(hits.find((hit) => hit.entry.code === 403006).entry, lookup(403006));
});

test('search answers every keystroke: nothing to rank by gives no hits, never an error', () => {
  for (const query of ['', ' ', ' \t\n', '!!!', 'the', 'a', 'the of and', 'd', 'x', '4', 'the d', '–']) {
    assert.deepEqual(search(query), [], JSON.stringify(query));
  }
  // Typing "device not online" key by key: every prefix answers, and the whole query finds it first.
  const typed = 'device not online';
  for (let end = 0; end <= typed.length; end++) assert.ok(Array.isArray(search(typed.slice(0, end))));
  assert.equal(search(typed)[0].entry.name, 'DeviceNotOnline');
});

test('catalog lists every entry once, numbered codes ascending', () => {
  const all = catalog();
  assert.ok(all.length >= 160);
  const codes = all.filter((e) => e.code !== null).map((e) => e.code);
  assert.deepEqual(codes, [...codes].sort((a, b) => a - b));
  assert.equal(new Set(all.map((e) => e.name.toLowerCase() + e.code)).size, all.length);
  assert.equal(all.find((e) => e.code === 401003), lookup(401003));
  assert.notEqual(catalog(), all, 'a fresh array each call');
});

test('scan offsets index the JavaScript string, also after non-ASCII text', () => {
  const text = 'Ünïcödé 😀 then error code 404001 and aka.ms/iothub429001';
  const findings = scan(text);
  assert.equal(findings.length, 2);
  assert.match(text.slice(findings[0].start, findings[0].end), /404001/);
  assert.match(text.slice(findings[1].start, findings[1].end), /429001/);
  assert.equal(findings[0].confidence, Number(findings[0].confidence.toPrecision(6)));
  const ascii = 'Operation failed with error code 404001';
  const [finding] = scan(ascii);
  assert.equal(ascii.slice(finding.start, finding.end).includes('404001'), true);
});

test('scan of a long non-ASCII text, then of a short one, indexes each string', () => {
  // Over a mebibyte of two-, three- and four-byte characters: the text is encoded again with room for all of them,
  // and the next, short text gets a buffer of its own size.
  const text = 'é€😀 '.repeat(300_000) + 'then error code 404001';
  const [long] = scan(text);
  assert.equal(text.slice(long.start, long.end).includes('404001'), true);
  assert.ok(long.start > 1_500_000);
  const [short] = scan('code 429001 ✓');
  assert.equal('code 429001 ✓'.slice(short.start, short.end).includes('429001'), true);
});

test('parseErrorBody reads the service shapes', () => {
  const body = parseErrorBody('{"Message":"ErrorCode:DeviceNotFound;Device d1 not registered","ExceptionMessage":"Tracking ID:abc-G:0-TimeStamp:12/14/2016 03:15:17"}', 404);
  assert.equal(body.code, 404001);
  assert.equal(body.name, 'DeviceNotFound');
  assert.equal(body.class, 'NotFound');
  assert.equal(body.http_status, 404);
  assert.equal(body.timestamp, '2016-12-14T03:15:17Z');
  assert.equal(parseErrorBody('{"errorCode":429001,"message":"throttled"}').http_status, null);
});

test('a diagnoser fed one byte at a time gives the same report as one push', () => {
  const bytes = new TextEncoder().encode(readFileSync(new URL('./fixtures/tiny.jsonl', import.meta.url), 'utf8'));
  const whole = new Diagnoser();
  whole.push(bytes);
  const expected = whole.finish();
  const trickle = new Diagnoser();
  for (let i = 0; i < bytes.length; i++) trickle.push(bytes.subarray(i, i + 1));
  assert.equal(trickle.bytesPushed, bytes.length);
  assert.deepEqual(trickle.finish(), expected);
  assert.equal(expected.summary.records_read, 4);
});

test('a string longer than the input buffer reads as its UTF-8 bytes', () => {
  // Three mebibytes of records whose device ids hold two-, three- and four-byte characters: the string is encoded
  // part by part, and parts end wherever the buffer is full, inside records and between characters.
  const lines = readFileSync(new URL('./fixtures/tiny.jsonl', import.meta.url), 'utf8').trimEnd().split('\n');
  let text = '';
  for (let i = 0; text.length < 3 * 1024 * 1024; i++) {
    text += lines.map((line) => line.replaceAll('é-device-', `é€😀-${i}-device-`)).join('\n') + '\n';
  }
  const asText = new Diagnoser();
  asText.push(text);
  const asBytes = new Diagnoser();
  asBytes.push(new TextEncoder().encode(text));
  assert.equal(asText.bytesPushed, text.length);
  const report = asText.finish();
  assert.deepEqual(report, asBytes.finish());
  assert.equal(report.summary.records_read, (text.match(/\n/g) ?? []).length);
  assert.equal(report.summary.records_skipped, 0);
});

test('a second input continues the same diagnosis; repeated records count as duplicates', () => {
  const text = readFileSync(new URL('./fixtures/tiny.jsonl', import.meta.url), 'utf8');
  const diagnoser = new Diagnoser();
  diagnoser.push(text);
  diagnoser.nextInput();
  diagnoser.push(new TextEncoder().encode(text).buffer);
  assert.ok(diagnoser.recordsRead > 0 && diagnoser.recordsRead <= 8);
  const report = diagnoser.finish();
  assert.equal(report.summary.records_read, 8);
  assert.equal(diagnoser.recordsRead, 8, 'recordsRead keeps the count after finish()');
  assert.ok(report.summary.duplicates > 0);
  assert.deepEqual(report.findings.map((f) => f.kind), ['network-disconnect', 'throttling-burst']);
  assert.equal(report.findings[1].devices[0], '<img src=x onerror=alert(1)>');
});

test('free() and Symbol.dispose release a diagnoser once; its counters keep their values', () => {
  const text = readFileSync(new URL('./fixtures/tiny.jsonl', import.meta.url), 'utf8');
  assert.equal(typeof Symbol.dispose, 'symbol', 'this Node.js has Symbol.dispose');
  const diagnoser = new Diagnoser();
  diagnoser.push(text);
  const counters = [diagnoser.recordsRead, diagnoser.bytesPushed];
  assert.ok(counters[0] > 0 && counters[1] === text.length);
  diagnoser[Symbol.dispose]();
  diagnoser[Symbol.dispose]();
  diagnoser.free();
  assert.deepEqual([diagnoser.recordsRead, diagnoser.bytesPushed], counters);
  assert.throws(() => diagnoser.push(text), (e) => e.kind === 'diagnoser-finished');
  const finished = new Diagnoser();
  finished.push(text);
  finished.finish();
  finished[Symbol.dispose]();
  assert.deepEqual([finished.recordsRead, finished.bytesPushed], [4, text.length]);
});
