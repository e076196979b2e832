// `cargo xtask bench js`: instantiate time, lookup from JS, and streaming diagnosis against a plain-JS baseline
// (JSON.parse per line and Map lookups computing the same summary) on the same simulated fleet file.
// Usage: IOTHUB_ERRORS_PKG=<package folder> node bench.mjs <fleet.jsonl>
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkgDir = process.env.IOTHUB_ERRORS_PKG;
const fleet = process.argv[2];
if (!pkgDir || !fleet) throw new Error('usage: IOTHUB_ERRORS_PKG=<package folder> node bench.mjs <fleet.jsonl>');
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

// 3. Streaming diagnosis vs the plain-JS baseline, same file, same 1 MiB chunks.
const size = statSync(fleet).size;
const CHUNK = 1 << 20;

async function wasmDiagnose() {
  const diagnoser = new api.Diagnoser();
  for await (const chunk of createReadStream(fleet, { highWaterMark: CHUNK })) diagnoser.push(chunk);
  return diagnoser.finish();
}

/** The summary computed the plain way: split lines, JSON.parse each record and its properties, count in Maps. */
async function baseline() {
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
  for await (const chunk of createReadStream(fleet, { highWaterMark: CHUNK })) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop();
    for (const line of lines) handle(line);
  }
  handle(rest + decoder.decode());
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    records_read: records, records_skipped: skipped, errors, devices: devices.size,
    first: new Date(first).toISOString(), last: new Date(last).toISOString(),
    by_code: sorted(byCode), by_category: sorted(byCategory), by_operation: sorted(byOperation),
    by_hour: [...byHour].sort((a, b) => a[0] - b[0]), by_device: sorted(byDevice).slice(0, 1000),
  };
}

async function timed(fn, runs) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

const RUNS = 3;
const wasmRun = await timed(wasmDiagnose, RUNS);
const jsRun = await timed(baseline, RUNS);
const mib = size / 1024 / 1024;
row('Diagnoser: full diagnosis, streamed', mib / (wasmRun.ms / 1000), 'MiB/s', '', `${(wasmRun.ms / 1000).toFixed(2)} s for ${mib.toFixed(0)} MiB, ${wasmRun.result.summary.records_read} records, ${wasmRun.result.findings.length} findings`);
row('plain JS: JSON.parse per line + Maps (summary only)', mib / (jsRun.ms / 1000), 'MiB/s', '', `${(jsRun.ms / 1000).toFixed(2)} s, ${jsRun.result.records_read} records`);
row('speed-up of the Diagnoser over the baseline', jsRun.ms / wasmRun.ms, '×', '≥ 2×', 'median of 3 runs each');
const ws = wasmRun.result.summary;
const same = ws.records_read === jsRun.result.records_read;
row('both read every record', same ? 1 : 0, same ? 'yes' : 'NO', '',
  `${ws.records_read} records; errors: Diagnoser ${ws.errors} (${ws.duplicates} duplicate records left out), baseline ${jsRun.result.errors} (duplicates counted)`);
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
const scanRun = await timed(() => api.scan(logText), SCAN_RUNS);
const regexRun = await timed(() => regexBaseline(logText), SCAN_RUNS);
row(`scan(log text, ${logMib.toFixed(0)} MiB)`, logMib / (scanRun.ms / 1000), 'MiB/s', '', `${scanRun.ms.toFixed(0)} ms for ${logLines.length} lines, ${scanRun.result.length} findings`);
row('plain JS: one RegExp + matchAll + name Map', logMib / (regexRun.ms / 1000), 'MiB/s', '', `${regexRun.ms.toFixed(0)} ms, ${regexRun.result} findings`);
row('speed-up of scan over the RegExp baseline', regexRun.ms / scanRun.ms, '×', '', `median of ${SCAN_RUNS} runs each`);
const format = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
console.log(`\nnode ${process.version}, ${fleet} (${mib.toFixed(1)} MiB)\n`);
console.log('| what | value | target | note |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.what} | ${r.unit === 'yes' || r.unit === 'NO' ? r.unit : `${format(r.value)} ${r.unit}`} | ${r.target} | ${r.note} |`);
