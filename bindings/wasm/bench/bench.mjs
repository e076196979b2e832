// `cargo xtask bench js`: instantiate time, calls from JS, streaming diagnosis on every documented path (bytes, the
// Node stream example, strings, a File in Chromium through the portal's worker) against a plain-JS baseline (JSON.parse
// per line and Maps computing the same summary) fed the same way, and scan against a plain RegExp pass.
// Usage: IOTHUB_ERRORS_PKG=<package folder> IOTHUB_ERRORS_TOOLS=<bindings/wasm/tools> node bench.mjs <fleet.jsonl>
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkgDir = process.env.IOTHUB_ERRORS_PKG;
const toolsDir = process.env.IOTHUB_ERRORS_TOOLS;
const fleet = process.argv[2];
if (!pkgDir || !toolsDir || !fleet) {
  throw new Error('usage: IOTHUB_ERRORS_PKG=<package folder> IOTHUB_ERRORS_TOOLS=<npm tools folder> node bench.mjs <fleet.jsonl>');
}
const indexUrl = pathToFileURL(join(pkgDir, 'index.js')).href;
const wasmPath = join(pkgDir, 'iothub_errors_wasm_bg.wasm');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = [];
const row = (what, value, unit, target, note = '') => rows.push({ what, value, unit, target, note });

// 1. Instantiate: compile + instantiate + init in a fresh process each time (nothing cached in V8).
const INSTANTIATE_RUNS = 9;
const script = `
  import { readFileSync } from 'node:fs';
  const bytes = readFileSync(${JSON.stringify(wasmPath)});
  const { initSync, lookup } = await import(${JSON.stringify(indexUrl)});
  const t0 = performance.now();
  initSync(bytes);
  const t1 = performance.now();
  lookup(401003);
  const t2 = performance.now();
  console.log(JSON.stringify([t1 - t0, t2 - t1]));`;
const instantiate = [];
const firstLookup = [];
for (let i = 0; i < INSTANTIATE_RUNS; i++) {
  const [init, first] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  instantiate.push(init);
  firstLookup.push(first);
}
row('instantiate (compile + init, fresh process)', median(instantiate), 'ms', '≤ 10 ms', `median of ${INSTANTIATE_RUNS}`);
row('first lookup (serializes the entry once)', median(firstLookup) * 1000, 'µs', '', `median of ${INSTANTIATE_RUNS}`);

const api = await import(indexUrl);
api.initSync(readFileSync(wasmPath));

// 2. Calls from JS, after warm-up.
function perCall(fn, iterations) {
  for (let i = 0; i < Math.min(iterations, 10000); i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  return ((performance.now() - t0) * 1e6) / iterations; // ns per call
}
const codes = api.catalog().filter((e) => e.code !== null).map((e) => e.code);
row('lookup(code)', perCall((i) => api.lookup(codes[i % codes.length]), 2_000_000) / 1000, 'µs', '≤ 2 µs', `${codes.length} codes in turn`);
row('byName(name)', perCall((i) => api.byName('IotHubUnauthorized'), 500_000) / 1000, 'µs', '');
row('classify(code)', perCall((i) => api.classify(codes[i % codes.length]), 50_000) / 1000, 'µs', '', 'serializes 7 SDK views');
row('resolve("Error 401003")', perCall(() => api.resolve('Error 401003'), 50_000) / 1000, 'µs', '');
row('search("file upload limit")', perCall(() => api.search('file upload limit'), 5_000) / 1000, 'µs', '');
row('scan(error body, 160 B)', perCall(() => api.scan('{"Message":"ErrorCode:DeviceNotFound;Device d1 not registered","ExceptionMessage":"Tracking ID:abc-G:0-TimeStamp:12/14/2016 03:15:17"}'), 50_000) / 1000, 'µs', '');

// 3. Streaming diagnosis on every documented path, each against the plain-JS baseline fed the same way: bytes in
// 1 MiB slices of one Uint8Array, the README's Node example (createReadStream, 64 KiB chunks), strings in 1 Mi-character
// slices (what a page gets from file.text() or a textarea), and a File.stream() in Chromium through the portal's worker.
const size = statSync(fleet).size;
const mib = size / 1024 / 1024;
const MIB = 1 << 20;
const fleetBytes = readFileSync(fleet);
const fleetText = fleetBytes.toString('utf8');

/** The plain-JS baseline: split lines, JSON.parse each record and its properties, count the summary in Maps. */
function plainJs() {
  const byCode = new Map();
  const byCategory = new Map();
  const byOperation = new Map();
  const byHour = new Map();
  const byDevice = new Map();
  const devices = new Set();
  let records = 0;
  let skipped = 0;
  let errors = 0;
  let first = Infinity;
  let last = -Infinity;
  let rest = '';
  const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  const handle = (line) => {
    if (line.trim() === '') return;
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      skipped++;
      return;
    }
    records++;
    const time = Date.parse(record.time);
    if (!Number.isNaN(time)) {
      if (time < first) first = time;
      if (time > last) last = time;
      bump(byHour, Math.floor(time / 3600000));
    }
    bump(byCategory, record.category);
    bump(byOperation, record.operationName);
    let properties = {};
    try {
      properties = typeof record.properties === 'string' ? JSON.parse(record.properties) : record.properties ?? {};
    } catch {
      properties = {};
    }
    const device = properties.deviceId;
    if (device) devices.add(device);
    const code = /^\d{6}$/.test(record.resultType ?? '') ? Number(record.resultType) : null;
    if (record.level === 'Error' || record.level === 'Critical' || code !== null) {
      errors++;
      if (code !== null) bump(byCode, code);
      if (device) bump(byDevice, device);
    }
  };
  const decoder = new TextDecoder();
  const text = (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) handle(line);
  };
  return {
    push: (chunk) => text(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
    finish() {
      handle(rest + decoder.decode());
      const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
      return {
        summary: {
          records_read: records, records_skipped: skipped, errors, devices: devices.size,
          first: new Date(first).toISOString(), last: new Date(last).toISOString(),
          by_code: sorted(byCode), by_category: sorted(byCategory), by_operation: sorted(byOperation),
          by_hour: [...byHour].sort((a, b) => a[0] - b[0]), by_device: sorted(byDevice).slice(0, 1000),
        },
      };
    },
  };
}

/** Feeders of one documented path: each pushes the whole fleet log into `sink` ({push}). */
const PATHS = [
  {
    name: 'bytes, 1 MiB slices of one Uint8Array',
    feed: async (sink) => {
      for (let at = 0; at < fleetBytes.length; at += MIB) sink.push(fleetBytes.subarray(at, at + MIB));
    },
  },
  {
    name: 'Node stream (README example: createReadStream, 64 KiB chunks)',
    feed: async (sink) => {
      for await (const chunk of createReadStream(fleet)) sink.push(chunk);
    },
  },
  {
    name: 'strings, 1 Mi-character slices',
    feed: async (sink) => {
      for (let at = 0; at < fleetText.length; at += MIB) sink.push(fleetText.slice(at, at + MIB));
    },
  },
];

const wasmSink = () => new api.Diagnoser();

async function timedRun(makeSink, feed) {
  const t0 = performance.now();
  const sink = makeSink();
  await feed(sink);
  const result = sink.finish();
  return { ms: performance.now() - t0, result };
}

// Runs interleaved (wasm, baseline, wasm, ...) so that a busy moment of the machine hits both.
const RUNS = 3;
const pathResults = [];
for (const path of PATHS) {
  const wasm = [];
  const js = [];
  let report;
  let summary;
  for (let i = 0; i < RUNS; i++) {
    const w = await timedRun(wasmSink, path.feed);
    const j = await timedRun(plainJs, path.feed);
    wasm.push(w.ms);
    js.push(j.ms);
    report = w.result;
    summary = j.result.summary;
  }
  pathResults.push({ name: path.name, wasm: median(wasm), js: median(js), report, summary });
  const ratios = wasm.map((ms, i) => js[i] / ms);
  row(`Diagnoser, ${path.name}`, mib / (median(wasm) / 1000), 'MiB/s', '', `${(median(wasm) / 1000).toFixed(2)} s; runs ${wasm.map((t) => t.toFixed(0)).join(' / ')} ms`);
  row(`  plain JS fed the same way`, mib / (median(js) / 1000), 'MiB/s', '', `runs ${js.map((t) => t.toFixed(0)).join(' / ')} ms`);
  row(`  speed-up over plain JS`, median(js) / median(wasm), '×', '≥ 2.5×', `per run ${ratios.map((r) => r.toFixed(2)).join(' / ')}`);
}
const [bytesPath, streamPath, stringPath] = pathResults;
row('Node stream time ÷ bytes time', streamPath.wasm / bytesPath.wasm, '×', '≤ 1.1×', 'small chunks cost nothing extra');
row('strings time ÷ bytes time', stringPath.wasm / bytesPath.wasm, '×', '≤ 1.1×', 'strings as fast as bytes');
// The package's own cost per chunk: the in-memory log pushed in 64 KiB slices (the stream's chunk size) against the
// 1 MiB slices above, interleaved, with no stream around it.
const small = [];
const large = [];
for (let i = 0; i < RUNS; i++) {
  small.push((await timedRun(wasmSink, async (sink) => {
    for (let at = 0; at < fleetBytes.length; at += 64 * 1024) sink.push(fleetBytes.subarray(at, at + 64 * 1024));
  })).ms);
  large.push((await timedRun(wasmSink, PATHS[0].feed)).ms);
}
row('  64 KiB slices ÷ 1 MiB slices, in memory', median(small) / median(large), '×', '≤ 1.1×',
  `the package's own cost per chunk; runs ${small.map((t) => t.toFixed(0)).join(' / ')} against ${large.map((t) => t.toFixed(0)).join(' / ')} ms`);
const ioOnly = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  for await (const chunk of createReadStream(fleet)) void chunk;
  ioOnly.push(performance.now() - t0);
}
row('  reading the stream alone (64 KiB chunks, no work)', median(ioOnly), 'ms', '', `runs ${ioOnly.map((t) => t.toFixed(0)).join(' / ')} ms`);
for (const path of pathResults) {
  const same = path.report.summary.records_read === path.summary.records_read && path.report.summary.records_read === bytesPath.report.summary.records_read;
  if (!same) row(`records read differ on ${path.name}`, 0, 'NO', '', `${path.report.summary.records_read} against ${path.summary.records_read}`);
}
const ws = bytesPath.report.summary;
row('every path read every record', 1, 'yes', '',
  `${ws.records_read} records, ${bytesPath.report.findings.length} findings; errors: Diagnoser ${ws.errors} (${ws.duplicates} duplicate records left out), baseline ${bytesPath.summary.errors} (duplicates counted)`);

// 3b. Chromium: the portal's worker (web/src/worker.js, its import pointed at the package folder) diagnosing a File
// made from the fleet log, against a worker running the same plain-JS baseline over File.stream().
const browser = await browserPath();
if (browser !== null) {
  row('Chromium: portal worker, File.stream()', mib / browser.wasm, 'MiB/s', '', `${browser.wasm.toFixed(2)} s; runs ${browser.wasmRuns.map((t) => t.toFixed(2)).join(' / ')} s`);
  row('  plain JS in a worker, same File.stream()', mib / browser.js, 'MiB/s', '', `runs ${browser.jsRuns.map((t) => t.toFixed(2)).join(' / ')} s`);
  row('  speed-up over plain JS', browser.js / browser.wasm, '×', '≥ 2.5×', `${browser.records} records in both`);
}

async function browserPath() {
  const { chromium } = await import(pathToFileURL(join(toolsDir, 'node_modules/playwright-core/index.mjs')).href);
  const { serve } = await import(new URL('../tests/browser/static-server.mjs', import.meta.url).href);
  const dir = mkdtempSync(join(tmpdir(), 'iothub-errors-bench-'));
  const worker = readFileSync(new URL('../../../web/src/worker.js', import.meta.url), 'utf8');
  if (!worker.includes("from 'iothub-errors'")) throw new Error('web/src/worker.js no longer imports iothub-errors');
  writeFileSync(join(dir, 'worker.js'), worker.replace("from 'iothub-errors'", "from '/pkg/index.js'"));
  writeFileSync(join(dir, 'baseline-worker.js'), `${plainJs.toString()}
self.onmessage = async ({ data: file }) => {
  const t0 = performance.now();
  const sink = plainJs();
  const reader = file.stream().getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) sink.push(chunk.value);
  const { summary } = sink.finish();
  self.postMessage({ seconds: (performance.now() - t0) / 1000, records: summary.records_read });
};`);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>');
  const server = await serve({ '/pkg/': pkgDir, '/data/': dirname(fleet), '/': dir });
  const launched = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await launched.newPage();
    await page.goto(`${server.url}/index.html`);
    return await page.evaluate(async ({ name, runs }) => {
      const blob = await (await fetch(`/data/${name}`)).blob();
      const file = new File([blob], name);
      const portal = new Worker('/worker.js', { type: 'module' });
      const baseline = new Worker('/baseline-worker.js');
      const ask = (worker, message, done) => new Promise((resolve, reject) => {
        worker.onmessage = ({ data }) => {
          if (data.type === 'error') reject(new Error(data.message));
          else if (done(data)) resolve(data);
        };
        worker.postMessage(message);
      });
      const wasmRuns = [];
      const jsRuns = [];
      let records = 0;
      for (let i = 0; i < runs; i++) {
        const report = await ask(portal, { type: 'diagnose', files: [file] }, (data) => data.type === 'done');
        wasmRuns.push(report.seconds);
        const plain = await ask(baseline, file, () => true);
        jsRuns.push(plain.seconds);
        if (plain.records !== report.report.summary.records_read) throw new Error(`records: ${plain.records} against ${report.report.summary.records_read}`);
        records = plain.records;
      }
      const mid = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      return { wasm: mid(wasmRuns), js: mid(jsRuns), wasmRuns, jsRuns, records };
    }, { name: basename(fleet), runs: RUNS });
  } finally {
    await launched.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// 4. scan over ~8 MiB of application log text (an IoT Hub error about once every 500 lines) vs a plain-JS baseline:
// one global RegExp for six-digit 4xxxxx/5xxxxx codes and `ErrorCode:Name;`, a name → code Map from catalog(), matchAll.
const LOG_BYTES = 8 * 1024 * 1024;
const logLines = [];
let logLength = 0;
let seed = 7;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
const components = ['telemetry-uploader', 'scheduler', 'http', 'cache', 'db-pool', 'auth', 'metrics'];
const errorLines = [
  (t, d) => `${t} ERROR [telemetry-uploader] send failed for ${d}: Microsoft.Azure.Devices.Client.Exceptions.IotHubThrottledException: ErrorCode:ThrottlingException;Throttling threshold reached`,
  (t, d) => `${t} ERROR [registry] GET /devices/${d} failed: {"Message":"ErrorCode:DeviceNotFound;Device ${d} not registered","ExceptionMessage":"Tracking ID:abc-G:0-TimeStamp:12/14/2016 03:15:17"}`,
  (t, d) => `${t} ERROR [c2d] completion for ${d} failed with status 412002 (DeviceMessageLockLost)`,
];
for (let i = 0; logLength < LOG_BYTES; i++) {
  const t = new Date(Date.UTC(2024, 4, 1) + i * 37).toISOString();
  const d = `sensor-${String(rand(10000)).padStart(4, '0')}`;
  let line;
  if (i % 500 === 499) line = errorLines[(i / 500) % errorLines.length | 0](t, d);
  else {
    const component = components[rand(components.length)];
    switch (rand(4)) {
      case 0: line = `${t} INFO  [${component}] batch ${rand(90000)} sent: ${rand(200)} messages in ${rand(900)} ms (device ${d})`; break;
      case 1: line = `${t} DEBUG [${component}] GET /api/v1/devices/${d}/state 200 ${rand(5000)} bytes ${rand(90)} ms`; break;
      case 2: line = `${t} INFO  [${component}] cache hit ratio 0.${rand(100)}, ${rand(10000)} keys, evicted ${rand(50)}`; break;
      default: line = `${t} WARN  [${component}] slow query on table readings took ${rand(3000)} ms (rows ${rand(20000)})`;
    }
  }
  logLines.push(line);
  logLength += line.length + 1;
}
const logText = logLines.join('\n') + '\n';
const logMib = logText.length / 1024 / 1024; // ASCII: characters are bytes

const codeOf = new Map();
for (const entry of api.catalog()) {
  if (entry.code === null) continue;
  codeOf.set(entry.name, entry.code);
  for (const alias of entry.aliases) codeOf.set(alias, entry.code);
}
const pattern = /\b([45]\d{5})\b|ErrorCode:(\w+);/g;
function regexBaseline(text) {
  let found = 0;
  for (const m of text.matchAll(pattern)) if (m[1] !== undefined || codeOf.has(m[2])) found++;
  return found;
}

const SCAN_RUNS = 5;
const scanTimes = [];
const regexTimes = [];
let scanned;
let regexFound;
for (let i = 0; i < SCAN_RUNS; i++) {
  let t0 = performance.now();
  scanned = api.scan(logText);
  scanTimes.push(performance.now() - t0);
  t0 = performance.now();
  regexFound = regexBaseline(logText);
  regexTimes.push(performance.now() - t0);
}
const scanMs = median(scanTimes);
const regexMs = median(regexTimes);
row(`scan(log text, ${logMib.toFixed(0)} MiB)`, logMib / (scanMs / 1000), 'MiB/s', '', `${scanMs.toFixed(0)} ms for ${logLines.length} lines, ${scanned.length} findings; runs ${scanTimes.map((t) => t.toFixed(0)).join(' / ')} ms`);
row('plain JS: one RegExp + matchAll + name Map', logMib / (regexMs / 1000), 'MiB/s', '', `${regexMs.toFixed(0)} ms, ${regexFound} findings; runs ${regexTimes.map((t) => t.toFixed(0)).join(' / ')} ms`);
row('speed-up of scan over the RegExp baseline', regexMs / scanMs, '×', '≥ 1×', `median of ${SCAN_RUNS} runs each; scan also finds exception classes, bodies, statuses, AMQP and MQTT evidence`);
const format = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
console.log(`\nnode ${process.version}, ${fleet} (${mib.toFixed(1)} MiB)\n`);
console.log('| what | value | target | note |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.what} | ${r.unit === 'yes' || r.unit === 'NO' ? r.unit : `${format(r.value)} ${r.unit}`} | ${r.target} | ${r.note} |`);
