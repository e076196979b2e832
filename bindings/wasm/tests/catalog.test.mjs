// The catalog-only entry `iothub-errors/catalog` through the installed tarball: what it exports, what it loads,
// and that it shares the full entry's error classes. Its answers are compared with the full entry's by
// conformance.test.mjs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import * as full from 'iothub-errors';
import * as catalogOnly from 'iothub-errors/catalog';

const packageDir = dirname(createRequire(import.meta.url).resolve('iothub-errors/package.json'));

/** The export names of a wasm file of the package. */
function wasmExports(file) {
  return WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(packageDir, file)))).map((e) => e.name);
}

test('the catalog entry exports the catalog functions under the full entry\'s names, and nothing else', () => {
  assert.equal(catalogOnly.isInitialized(), true, 'importing it in Node initializes it');
  const names = Object.keys(catalogOnly).sort();
  assert.deepEqual(names, [
    'IotHubError', 'IotHubLoadError', 'IotHubRangeError', 'IotHubStateError', 'IotHubTypeError', 'MAX_QUERY_BYTES', 'byName',
    'catalog', 'classify', 'init', 'initSync', 'isInitialized', 'lookup', 'resolve', 'search',
  ]);
  const fullNames = Object.keys(full);
  assert.deepEqual(names.filter((name) => !fullNames.includes(name)), [], 'every name is one of the full entry');
  assert.equal(catalogOnly.MAX_QUERY_BYTES, full.MAX_QUERY_BYTES);
});

test('both entries throw the same error classes', () => {
  for (const name of ['IotHubError', 'IotHubTypeError', 'IotHubRangeError', 'IotHubStateError', 'IotHubLoadError']) {
    assert.equal(catalogOnly[name], full[name], name);
  }
  assert.throws(() => catalogOnly.lookup(400999), (error) => error instanceof full.IotHubError && error.kind === 'unknown-code');
  assert.throws(() => catalogOnly.lookup('401003'), full.IotHubTypeError);
  assert.throws(() => catalogOnly.byName(' '), (error) => error instanceof full.IotHubError && error.kind === 'empty-input');
  assert.throws(() => catalogOnly.initSync(new TextEncoder().encode('<!doctype html>')), full.IotHubLoadError);
});

test('catalog entries are frozen, cached per entry, and equal to the full entry\'s', () => {
  const entry = catalogOnly.lookup(401003);
  assert.ok(Object.isFrozen(entry) && Object.isFrozen(entry.sdk_views[0]));
  assert.equal(catalogOnly.lookup(401003), entry);
  assert.equal(catalogOnly.resolve('aka.ms/iothub404102').entry, catalogOnly.lookup(404103));
  assert.deepEqual(catalogOnly.catalog(), full.catalog());
});

test('the catalog module carries no scanner, error-body reader or diagnosis', () => {
  const catalogExports = wasmExports('iothub_errors_catalog_bg.wasm');
  const fullExports = wasmExports('iothub_errors_wasm_bg.wasm');
  for (const name of ['lookup_index', 'by_name_index', 'entry_at', 'resolve', 'search_indexes', 'classify']) {
    assert.ok(catalogExports.includes(name) && fullExports.includes(name), name);
  }
  assert.deepEqual(catalogExports.filter((name) => /scan|parse_error_body|resolve_error|diagnoser/.test(name)), []);
  assert.ok(fullExports.includes('scan_input') && fullExports.includes('diagnoser_finish'), 'the names looked for exist in the full module');
  const size = (file) => readFileSync(join(packageDir, file)).length;
  assert.ok(size('iothub_errors_catalog_bg.wasm') < size('iothub_errors_wasm_bg.wasm') * 0.7);
});

test('the package.json exports the catalog entry with types, node and default conditions', () => {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.exports['./catalog'], {
    types: './catalog.d.ts',
    node: './catalog-node.js',
    default: './catalog.js',
  });
  for (const file of ['catalog.js', 'catalog-node.js', 'catalog.d.ts', 'common.js', 'iothub_errors_catalog.js', 'iothub_errors_catalog_bg.wasm']) {
    assert.ok(manifest.files.includes(file), file);
  }
});

test('importing the catalog entry in Node reads only the catalog module', () => {
  // A fresh process that records every file read before it imports the entry.
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const read = fs.readFileSync;
    const files = [];
    fs.readFileSync = (path, ...rest) => { files.push(String(path)); return read(path, ...rest); };
    syncBuiltinESMExports();
    const catalog = await import('iothub-errors/catalog');
    console.log(JSON.stringify({ files: files.map((f) => f.split('/').pop()), name: catalog.lookup(404104).name }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim());
  assert.deepEqual(result.files.filter((file) => file.endsWith('.wasm')), ['iothub_errors_catalog_bg.wasm']);
  assert.equal(result.name, 'DeviceConnectionClosedRemotely');
});

test('the catalog entry\'s browser module needs init() first, with the package\'s state error', () => {
  const entry = new URL('catalog.js', `file://${packageDir}/`);
  const script = `
    const catalog = await import(${JSON.stringify(entry.href)});
    try { catalog.lookup(401003); console.log(JSON.stringify({ ok: true })); }
    catch (e) { console.log(JSON.stringify({ state: e instanceof catalog.IotHubStateError, kind: e.kind })); }
    const { readFileSync } = await import('node:fs');
    await catalog.init(readFileSync(new URL('iothub_errors_catalog_bg.wasm', ${JSON.stringify(entry.href)})));
    console.log(JSON.stringify({ name: catalog.lookup(401003).name }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const [before, after] = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(before, { state: true, kind: 'not-initialized' });
  assert.deepEqual(after, { name: 'IotHubUnauthorized' });
});
