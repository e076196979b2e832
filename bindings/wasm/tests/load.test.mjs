// init() and initSync() as browsers and bundlers call them, in a process of its own: this file imports the
// browser entry (index.js), never the Node entry that initializes on import. A local server on 127.0.0.1 answers
// as a dev server does when the .wasm is not where the module looks for it (its HTML page), with an HTTP error, and
// with the real module. (wasm-bindgen's glue warns on the console when a response is not application/wasm.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('./', `file://${createRequire(import.meta.url).resolve('iothub-errors/package.json')}`);
const pkg = await import(new URL('index.js', root).href);
const wasm = readFileSync(new URL('iothub_errors_wasm_bg.wasm', root));
const PAGE = '<!doctype html><html><head><script type="module" src="/@vite/client"></script></head><body></body></html>';
const pageBytes = () => new TextEncoder().encode(PAGE);

const server = createServer((request, response) => {
  if (request.url === '/module.wasm') {
    response.writeHead(200, { 'content-type': 'application/wasm' });
    response.end(wasm);
  } else if (request.url === '/missing.wasm') {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  } else {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(PAGE);
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
test.after(() => server.close());

/** Awaits `call` (sync or async), which must fail with an IotHubLoadError of `kind`; returns the error. */
async function loadError(call, kind) {
  let caught;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof pkg.IotHubLoadError, `expected an IotHubLoadError, got ${caught}`);
  assert.ok(caught instanceof pkg.IotHubError && caught instanceof Error);
  assert.equal(caught.name, 'IotHubLoadError');
  assert.equal(caught.kind, kind);
  assert.equal(caught.code, kind);
  assert.equal(caught.detail, null);
  assert.equal(pkg.isInitialized(), false);
  return caught;
}

/** The message of a `not-wasm` error: says what it is, and names both fixes. */
function namesTheFix(error) {
  assert.match(error.message, /is not WebAssembly/);
  assert.match(error.message, /optimizeDeps: \{ exclude: \['iothub-errors'\] \}/);
  assert.match(error.message, /pass the \.wasm's URL or bytes to init\(\)/);
}

test('an HTML page at the wasm URL is not-wasm, naming the URL and the fix', async () => {
  for (const source of [`${base}/deps/iothub_errors_wasm_bg.wasm`, new URL(`${base}/deps/x.wasm`), new Request(`${base}/r.wasm`)]) {
    const error = await loadError(() => pkg.init(source), 'not-wasm');
    const url = String(source.url ?? source);
    assert.equal(error.url, url);
    assert.ok(error.message.includes(url), error.message);
    assert.match(error.message, /it starts with "<!do"/);
    namesTheFix(error);
  }
  const fetched = await loadError(() => pkg.init(fetch(`${base}/index.html`)), 'not-wasm');
  assert.equal(fetched.url, `${base}/index.html`);
});

test('HTML given as a Response or as bytes is not-wasm, synchronously for initSync', async () => {
  for (const source of [new Response(PAGE), pageBytes(), pageBytes().buffer, new DataView(pageBytes().buffer)]) {
    const error = await loadError(() => pkg.init(source), 'not-wasm');
    assert.equal(error.url, null);
    namesTheFix(error);
  }
  namesTheFix(await loadError(() => pkg.initSync(pageBytes()), 'not-wasm'));
  // Anything without the magic bytes, HTML or not, down to nothing at all.
  for (const bytes of [new Uint8Array([0x7b, 0x7d]), new Uint8Array(0), new Uint8Array([0, 0x61, 0x73])]) {
    await loadError(() => pkg.initSync(bytes), 'not-wasm');
    await loadError(() => pkg.init(bytes), 'not-wasm');
  }
  await loadError(() => pkg.init(new Response(null)), 'not-wasm');
});

test('HTTP errors, network failures and modules that do not compile are wasm-load-failed', async () => {
  const missing = await loadError(() => pkg.init(`${base}/missing.wasm`), 'wasm-load-failed');
  assert.match(missing.message, /404/);
  assert.equal(missing.url, `${base}/missing.wasm`);
  // Nothing listens on port 1.
  const refused = await loadError(() => pkg.init('http://127.0.0.1:1/iothub_errors_wasm_bg.wasm'), 'wasm-load-failed');
  assert.ok(refused.cause instanceof Error);
  // The default: the .wasm beside the module, which Node.js's fetch cannot read from a file: URL.
  const byDefault = await loadError(() => pkg.init(), 'wasm-load-failed');
  assert.match(byDefault.url, /^file:.*\/iothub_errors_wasm_bg\.wasm$/);
  // The magic bytes and nothing a compiler accepts after them.
  const broken = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff]);
  const compile = await loadError(() => pkg.initSync(broken), 'wasm-load-failed');
  assert.ok(compile.cause instanceof WebAssembly.CompileError);
  await loadError(() => pkg.init(broken), 'wasm-load-failed');
});

test('a source of the wrong type is an IotHubTypeError', async () => {
  for (const bad of [42, {}, true]) {
    for (const call of [() => pkg.init(bad), () => pkg.initSync(bad)]) {
      await assert.rejects(async () => call(), (e) => e instanceof pkg.IotHubTypeError && e.kind === 'invalid-argument-type');
    }
  }
  assert.equal(pkg.isInitialized(), false);
});

test('after failures, the real module served over HTTP loads, and init is then free', async () => {
  await pkg.init(`${base}/module.wasm`);
  assert.equal(pkg.isInitialized(), true);
  assert.equal(pkg.lookup(404103).name, 'DeviceNotOnline');
  await pkg.init(pageBytes());
  pkg.initSync(wasm);
  assert.equal(pkg.lookup(401003).name, 'IotHubUnauthorized');
});
