// CommonJS: require('iothub-errors') loads the ES module package through Node.js's require(esm), which every
// Node.js in `engines` has (20.19+, 22.12+). It must give the very module that import gives (one instance, one
// catalog cache), print no warning, and work from a plain `node -e`.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const pkg = require('iothub-errors');

test('require gives the module import gives, with the same answers', async () => {
  const imported = await import('iothub-errors');
  assert.deepEqual(Object.keys(pkg).sort(), Object.keys(imported).sort());
  for (const name of Object.keys(imported)) assert.equal(pkg[name], imported[name], name);
  assert.equal(pkg.lookup(401003), imported.lookup(401003));
  assert.deepEqual(pkg.search('daily quota'), imported.search('daily quota'));
  assert.deepEqual(pkg.scan('error code 404001'), imported.scan('error code 404001'));
  assert.throws(() => pkg.lookup(999999), (e) => e instanceof imported.IotHubError && e.kind === 'invalid-code');
});

test('a CommonJS script requires the package without a warning', () => {
  const script = "const { lookup } = require('iothub-errors'); process.stdout.write(lookup(404103).name);";
  const run = spawnSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'DeviceNotOnline');
  assert.equal(run.stderr, '');
});

test('engines names the Node.js versions that can require ES modules, and this one is among them', () => {
  const { engines } = require('iothub-errors/package.json');
  assert.equal(engines.node, '^20.19.0 || >=22.12.0');
  const [major, minor] = process.versions.node.split('.').map(Number);
  assert.ok((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23, process.versions.node);
});
