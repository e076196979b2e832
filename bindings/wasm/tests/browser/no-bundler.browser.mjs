// The installed package in Chromium without a bundler: a plain <script type="module"> imports both entries and
// calls init() on each; init() is given a web page where the .wasm should be; a last page runs the shared hostile
// inputs (testdata/hostile.tsv) through it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { TESTDATA, testdata } from '../helpers.mjs';
import { hostileRows } from '../hostile.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(createRequire(import.meta.url).resolve('iothub-errors/package.json'));
const screenshots = process.env.IOTHUB_ERRORS_SCREENSHOTS ?? join(here, 'screenshots');

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};

test('a page imports the package from its folder and uses it', async () => {
  const server = await serve({ '/pkg/': packageDir, '/': here });
  const browser = await chromium.launch(CHROMIUM);
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${server.url}/index.html`);
    await page.waitForSelector('#out[data-done]');
    const result = await page.locator('#out').textContent();
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'wasm-no-bundler.png') });
    assert.equal(await page.locator('#out').getAttribute('data-done'), 'ok', result);
    assert.deepEqual(JSON.parse(result), {
      catalogName: 'IotHubUnauthorized',
      catalogUnknown: 'unknown-code',
      name: 'IotHubUnauthorized',
      resolved: 404103,
      scanned: 404001,
      findings: ['throttling-burst'],
      unknown: 'unknown-code',
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('in Chromium, init() given a web page where the .wasm should be names the fix, then loads the real one', async () => {
  const server = await serve({ '/pkg/': packageDir, '/': here });
  const browser = await chromium.launch(CHROMIUM);
  try {
    const page = await browser.newPage();
    // A page of the server's origin that loads nothing, so the package is imported fresh below.
    await page.goto(`${server.url}/nothing-here`);
    const result = await page.evaluate(async () => {
      const pkg = await import('/pkg/index.js');
      const out = {};
      try {
        await pkg.init('/index.html');
      } catch (error) {
        out.error = { base: error instanceof pkg.IotHubLoadError, kind: error.kind, url: error.url, message: error.message };
      }
      out.initialized = pkg.isInitialized();
      await pkg.init();
      out.name = pkg.lookup(404103).name;
      return out;
    });
    assert.deepEqual(result.error && [result.error.base, result.error.kind, result.error.url], [true, 'not-wasm', `${server.url}/index.html`]);
    assert.match(result.error.message, /is not WebAssembly \(it starts with "<!do"\)/);
    assert.match(result.error.message, /optimizeDeps: \{ exclude: \['iothub-errors'\] \}/);
    assert.equal(result.initialized, false);
    assert.equal(result.name, 'DeviceNotOnline');
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the shared hostile texts get answers or the package\'s own errors in Chromium', async () => {
  const expected = hostileRows(testdata('hostile.tsv'))
    .filter((row) => row.kind === 'text')
    .map((row) => row.name);
  // The page imports the shared runner (tests/hostile.mjs) and fetches the table from the workspace's testdata.
  const server = await serve({ '/pkg/': packageDir, '/tests/': dirname(here), '/testdata/': TESTDATA, '/': here });
  const browser = await chromium.launch(CHROMIUM);
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${server.url}/hostile.html`);
    await page.waitForSelector('#out[data-done]', { timeout: 120000 });
    const result = await page.locator('#out').textContent();
    assert.equal(await page.locator('#out').getAttribute('data-done'), 'ok', result);
    const { ran, problems } = JSON.parse(result);
    assert.deepEqual(problems, []);
    assert.deepEqual(ran, expected);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
