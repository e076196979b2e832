// End-to-end tests of the built portal (web/dist) in Debian's Chromium, driven by playwright-core. Each test saves a
// screenshot under target/web-screenshots/.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
// One static server serves the package's browser test and the portal's tests.
import { serve } from '../../bindings/wasm/tests/browser/static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const testdata = process.env.IOTHUB_ERRORS_TESTDATA ?? join(here, '../../testdata');
const logs = join(testdata, 'logs');
const screenshots = process.env.IOTHUB_ERRORS_SCREENSHOTS ?? join(here, '../../target/web-screenshots');
const XSS = '<img src=x onerror=alert(1)>';

let server;
let browser;

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await serve({ '/': dist });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page on the portal, failing the test on any page error, console error or dialog. */
async function open(t, path = '/', viewport = { width: 1100, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.goto(server.url + path);
  await page.waitForSelector('body[data-ready="true"]');
  t.after(async () => {
    await context.close();
  });
  return { page, context, problems };
}

async function shot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

test('typing a code shows it as you type; Enter opens its entry with a deep link', async (t) => {
  const { page, problems } = await open(t);
  await page.locator('#search').focus();
  await page.keyboard.type('401003');
  await page.locator('#results a', { hasText: 'IotHubUnauthorized' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#401003');
  const entry = page.locator('#entry');
  await entry.locator('h2', { hasText: '401003 IotHubUnauthorized' }).waitFor();
  for (const part of ['Causes', 'Fixes, in order', 'What each SDK does by itself', 'Related']) {
    assert.equal(await entry.locator('h3').filter({ hasText: new RegExp(`^${part}$`) }).count(), 1, part);
  }
  assert.match(await entry.locator('.retry').textContent(), /Reconnect with a newly generated SAS token/);
  assert.match(await entry.locator('.actor').textContent(), /device code/);
  assert.match(await entry.locator('a', { hasText: 'Microsoft documentation' }).getAttribute('href'), /^https:\/\/learn\.microsoft\.com\//);
  await shot(page, 'portal-entry-401003');
  assert.deepEqual(problems, []);
});

test('words search as you type; the keyboard reaches every result', async (t) => {
  const { page, problems } = await open(t);
  await page.locator('#search').fill('file upload limit');
  await page.locator('#results a', { hasText: 'DeviceMaximumActiveFileUploadLimitExceeded' }).first().waitFor();
  await page.locator('#search').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
  assert.match(focused, /^#\d{6}$/);
  await page.keyboard.press('Enter');
  await page.waitForFunction((href) => location.hash === href, focused);
  await page.locator('#entry h2').waitFor();
  await shot(page, 'portal-search-words');
  assert.deepEqual(problems, []);
});

test('a deep link opens its entry: #404102 lands on DeviceNotOnline, an unlisted code is classified', async (t) => {
  const { page, problems } = await open(t, '/#404102');
  await page.locator('#entry h2', { hasText: '404103 DeviceNotOnline' }).waitFor();
  await page.goto(`${server.url}/#403150`);
  await page.locator('#entry h2', { hasText: '403150: not in the catalog' }).waitFor();
  assert.deepEqual(problems, []);
});

test('pasting an error body highlights the finding and explains it', async (t) => {
  const { page, problems } = await open(t);
  const body = 'HTTP/1.1 404 Not Found\n{"Message":"ErrorCode:DeviceNotFound;Device d1 not registered","ExceptionMessage":"Tracking ID:abc-G:0-TimeStamp:12/14/2016 03:15:17"}';
  await page.locator('#paste').fill(body);
  const mark = page.locator('#highlighted mark').first();
  await mark.waitFor();
  assert.match(await mark.textContent(), /DeviceNotFound/);
  const explanation = page.locator('#explanations li').first();
  assert.match(await explanation.textContent(), /404001 DeviceNotFound/);
  assert.match(await explanation.textContent(), /First fix:/);
  await shot(page, 'portal-paste-body');
  assert.deepEqual(problems, []);
});

test('pasted markup stays text', async (t) => {
  const { page, problems } = await open(t);
  const text = `device ${XSS} failed with error code 404001 <script>alert(2)</script>`;
  await page.locator('#paste').fill(text);
  await page.locator('#highlighted mark').first().waitFor();
  assert.equal(await page.locator('#highlighted img, #highlighted script, #explanations img').count(), 0);
  assert.ok((await page.locator('#highlighted').textContent()).includes(XSS));
  await shot(page, 'portal-paste-xss');
  // Markup in the parts a finding shows (tracking id, message, device) stays text too.
  await page.locator('#paste').fill(`{"Message":"ErrorCode:DeviceNotFound;Device ${XSS} not registered","ExceptionMessage":"Tracking ID:${XSS}-G:1-TimeStamp:12/14/2016 03:15:17"}`);
  const card = page.locator('#explanations > li').first();
  await card.locator('.tracking-id').waitFor();
  assert.equal(await card.locator('.tracking-id').textContent(), XSS);
  assert.ok((await card.textContent()).includes(`Device ${XSS} not registered`));
  assert.equal(await page.locator('#explanations img, #explanations script').count(), 0);
  assert.deepEqual(problems, []);
});

// ---- pasted texts: the cases of testdata/scan-cases.tsv, shown as the core's tests expect them ----

/** `testdata/scan-cases.tsv` read as core/tests/scan_cases.rs reads it: `{ input, expected }` per case. */
function scanCases() {
  const unescape = (text) => text.replace(/\\(.)/g, (_, c) => ({ t: '\t', n: '\n', r: '\r', 0: '\0', '\\': '\\' })[c]);
  return readFileSync(join(testdata, 'scan-cases.tsv'), 'utf8').split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [input, expected] = line.split('\t');
      const pairs = expected.split(';').map((pair) => pair.includes('~=') ? [`${pair.split('~=')[0]}~`, pair.split('~=')[1]] : pair.split('='));
      return { input: unescape(input), expected: Object.fromEntries(pairs) };
    });
}

/** The one case whose input starts with `start` (and contains `contains`), so a changed case fails loudly. */
function scanCase(start, contains = '') {
  const found = scanCases().filter((c) => c.input.startsWith(start) && c.input.includes(contains));
  assert.equal(found.length, 1, `one scan case starting ${JSON.stringify(start)}, found ${found.length}`);
  return found[0];
}

/** Pastes the case's input; returns the first finding's card. */
async function pasteCase(page, scanned) {
  await page.locator('#paste').fill(scanned.input);
  const card = page.locator('#explanations > li').first();
  await card.waitFor();
  return card;
}

/** The confidence shown as "(75 %)", as a number. */
async function shownPercent(locator) {
  const match = /\((\d+) %\)/.exec(await locator.textContent());
  assert.ok(match, `a percentage in ${await locator.textContent()}`);
  return Number(match[1]);
}

test('an SDK exception without a code shows its most likely entry, the alternatives and the basis', async (t) => {
  const { page, problems } = await open(t);
  const scanned = scanCase('Unhandled exception. Microsoft.Azure.Devices.Client.Exceptions.UnauthorizedException: CONNECT failed: RefusedNotAuthorized');
  const { code, alternatives, 'basis~': basis } = scanned.expected;
  assert.deepEqual([code, alternatives, basis], ['401003', '404001|403012', 'CONNACK'], 'the case the test is about');
  const card = await pasteCase(page, scanned);
  assert.equal(await card.getAttribute('data-code'), code);
  const title = card.locator('.finding-title a');
  assert.equal(await title.getAttribute('href'), `#${code}`);
  assert.match(await title.textContent(), new RegExp(`^${code} IotHubUnauthorized$`));
  const summary = await card.locator('.summary-text').textContent();
  assert.ok(summary.length > 20, `a summary: ${summary}`);
  // Inferred, so likely rather than stated, with its number below the stated threshold.
  const confidence = card.locator('.confidence');
  assert.equal(await confidence.locator('.confidence-word').textContent(), 'likely');
  const percent = await shownPercent(confidence);
  assert.ok(percent < 85 && percent >= 60, `likely at ${percent} %`);
  // The alternatives, most likely first, each linking to its entry with a lower confidence.
  const links = card.locator('.alternatives li a');
  assert.deepEqual(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))), alternatives.split('|').map((c) => `#${c}`));
  assert.match(await links.first().textContent(), /^404001 DeviceNotFound$/);
  const altPercents = [];
  for (const li of await card.locator('.alternatives li').all()) altPercents.push(await shownPercent(li));
  assert.ok(altPercents.every((p, i) => p <= percent && (i === 0 || p <= altPercents[i - 1])), `${altPercents} below ${percent}, descending`);
  assert.equal(await card.locator('.alternatives ul').getAttribute('aria-labelledby'), await card.locator('.alternatives .label').getAttribute('id'));
  assert.match(await card.locator('.basis').textContent(), new RegExp(basis, 'i'));
  await shot(page, 'portal-paste-inferred');
  // The entry and an alternative open their own entries; the summary shown is the entry's.
  await title.click();
  await page.locator('#entry h2', { hasText: `${code} IotHubUnauthorized` }).waitFor();
  assert.equal(await page.locator('#entry .summary-text').textContent(), summary);
  await links.first().click();
  await page.locator('#entry h2', { hasText: '404001 DeviceNotFound' }).waitFor();
  assert.deepEqual(problems, []);
});

test('an explicit error body shows its code as stated, no alternatives, and its tracking id', async (t) => {
  const { page, problems } = await open(t);
  const scanned = scanCase('HTTP/1.1 404 Not Found', 'ErrorCode:DeviceNotFound;');
  const { code, alternatives, tracking_id: trackingId, gateway, device_id: deviceId } = scanned.expected;
  assert.deepEqual([code, alternatives], ['404001', 'none'], 'the case the test is about');
  const card = await pasteCase(page, scanned);
  assert.match(await page.locator('#highlighted mark').first().textContent(), /DeviceNotFound/);
  assert.equal(await card.locator('.finding-title a').getAttribute('href'), `#${code}`);
  assert.match(await card.locator('.finding-title').textContent(), /^404001 DeviceNotFound$/);
  assert.equal(await card.locator('.confidence-word').textContent(), 'stated in the text');
  assert.ok(await shownPercent(card.locator('.confidence')) >= 85);
  assert.equal(await card.locator('.alternatives').count(), 0);
  assert.equal(await card.locator('.tracking-id').textContent(), trackingId);
  assert.equal(await card.locator('.gateway').textContent(), gateway);
  assert.equal(await card.locator('.device-id').textContent(), deviceId);
  assert.match(await card.textContent(), /First fix:/);
  await shot(page, 'portal-paste-stated');
  assert.deepEqual(problems, []);
});

test('a CONNACK refusal from another broker shows no hub code and says why', async (t) => {
  const { page, problems } = await open(t);
  const scanned = scanCase('Connecting to test.mosquitto.org:8883');
  const { code, 'basis~': basis } = scanned.expected;
  assert.deepEqual([code, basis], ['none', 'not IoT Hub'], 'the case the test is about');
  const card = await pasteCase(page, scanned);
  assert.equal(await page.locator('#explanations > li[data-code]:not([data-code="none"])').count(), 0, 'no finding with a hub code');
  assert.equal(await card.getAttribute('data-code'), 'none');
  assert.match(await card.locator('.finding-title').textContent(), /^No IoT Hub code/);
  assert.equal(await card.locator('a[href^="#"]').count(), 0, 'no entry link');
  assert.equal(await card.locator('.basis').count(), 1, 'the basis is shown');
  assert.match(await card.locator('.basis').textContent(), new RegExp(basis, 'i'));
  assert.match(await page.locator('#paste-count').textContent(), /^1 error found, none with an IoT Hub code\.$/);
  await shot(page, 'portal-paste-look-alike');
  assert.deepEqual(problems, []);
});

test('a provisioning error says it is a Device Provisioning Service error', async (t) => {
  const { page, problems } = await open(t);
  const scanned = scanCase('ProvisioningTransportException: {"errorCode":401002');
  assert.deepEqual([scanned.expected.code, scanned.expected.service], ['none', 'Dps'], 'the case the test is about');
  const card = await pasteCase(page, scanned);
  assert.equal(await card.getAttribute('data-service'), 'Dps');
  assert.equal(await card.getAttribute('data-code'), 'none');
  assert.match(await card.locator('.finding-title').textContent(), /Device Provisioning Service error/);
  assert.match(await card.locator('.dps-note').textContent(), /not an IoT Hub error/);
  assert.equal(await card.locator('a[href="#401002"]').count(), 0, 'the DPS code is not taken for the hub code');
  await shot(page, 'portal-paste-dps');
  assert.deepEqual(problems, []);
});

const EXPECTED = {
  'connections-sas-renewal.jsonl': ['sas-token-renewal', 'network-disconnect'],
  'mass-disconnect.eventhub.json': ['mass-disconnect', 'link-conflict-side-effect'],
  'throttling.jsonl': ['throttling-burst'],
  'azurediagnostics-export.csv': ['time-drift', 'file-upload-limit', 'c2d-lock-lost'],
  'eventgrid-connection-state.json': ['device-offline', 'network-disconnect', 'sas-token-renewal'],
  'fleet-site-outage.jsonl': ['device-offline', 'network-disconnect', 'link-conflict-side-effect'],
};

for (const [file, kinds] of Object.entries(EXPECTED)) {
  test(`loading ${file} shows its expected findings with timelines and summary tables`, async (t) => {
    const { page, problems } = await open(t);
    await page.locator('#files').setInputFiles(join(logs, file));
    await page.locator('#findings').waitFor();
    const found = await page.locator('#findings > li').evaluateAll((cards) => cards.map((card) => card.dataset.kind));
    for (const kind of kinds) assert.ok(found.includes(kind), `${kind} in ${found}`);
    assert.equal(await page.locator('#findings svg.timeline').count(), found.length);
    assert.ok(await page.locator('#findings svg.timeline circle').count() > 0);
    assert.ok(await page.locator('#summary table').count() >= 2);
    await shot(page, `portal-log-${file.replace(/\W+/g, '-')}`);
    assert.deepEqual(problems, []);
  });
}

test('a grouped finding shows its device count and top offenders, with the device list collapsed', async (t) => {
  const { page, problems } = await open(t);
  await page.locator('#files').setInputFiles(join(logs, 'fleet-site-outage.jsonl'));
  await page.locator('#findings').waitFor();
  const network = page.locator('#findings > li[data-kind="network-disconnect"]');
  assert.match(await network.locator('h4').textContent(), /3 devices: 6 unexpected disconnects without token expiry; top offender dock-1 \(3\)/);
  assert.equal(await network.locator('.device-group').getAttribute('data-devices'), '3');
  assert.equal(await network.locator('.offenders').textContent(), 'Top offenders: dock-1 (3), dock-3 (2), dock-2 (1)');
  const list = network.locator('details.devices');
  assert.equal(await list.evaluate((details) => details.open), false, 'the list starts collapsed');
  assert.match(await list.locator('summary').textContent(), /^3 devices: dock-1, dock-2, dock-3$/);
  assert.equal(await network.locator('.device-list').isVisible(), false);
  await list.locator('summary').click();
  await network.locator('.device-list').waitFor({ state: 'visible' });
  assert.equal(await network.locator('.device-list').textContent(), 'dock-1, dock-2, dock-3');
  // Each offline shelf counts once: no top offenders, the count and the first names.
  const offline = page.locator('#findings > li[data-kind="device-offline"]');
  assert.equal(await offline.locator('.offenders').count(), 0);
  assert.match(await offline.locator('details.devices summary').textContent(), /^4 devices: shelf-01, shelf-02, shelf-03, …$/);
  await shot(page, 'portal-log-grouped');
  assert.deepEqual(problems, []);
});

test('a device id holding markup stays text in the report', async (t) => {
  const { page, problems } = await open(t);
  const lines = [0, 20, 40, 60, 80].map((second) => JSON.stringify({
    time: `2024-05-14T08:12:${String(second % 60).padStart(2, '0')}Z`,
    operationName: 'ingress',
    category: 'DeviceTelemetry',
    level: 'Error',
    resultType: '429001',
    resultDescription: 'ThrottlingException',
    properties: JSON.stringify({ deviceId: XSS, messageSize: '120' }),
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'portal-xss-')), 'xss-log.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  await page.locator('#files').setInputFiles(file);
  await page.locator('#findings').waitFor();
  assert.equal(await page.locator('#report img').count(), 0);
  assert.match(await page.locator('#findings').textContent(), /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.locator('#report svg text', { hasText: '<img' }).count() >= 1, true);
  await shot(page, 'portal-log-xss');
  assert.deepEqual(problems, []);
});

test('entries and findings carry their KQL with a copy button that copies exactly the query', async (t) => {
  const { page, context, problems } = await open(t, '/#401003');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const entry = page.locator('#entry');
  await entry.locator('h2', { hasText: '401003 IotHubUnauthorized' }).waitFor();
  const blocks = entry.locator('.kql');
  assert.equal(await blocks.count(), 2, 'occurrences and causes');
  const query = await blocks.first().locator('pre').textContent();
  assert.match(query, /^AzureDiagnostics\n\| where ResourceProvider == "MICROSOFT.DEVICES"/);
  assert.match(query, /\| where ResultType == "401003"/);
  await blocks.first().locator('button.copy-kql').click();
  await blocks.first().locator('button.copy-kql', { hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), query);
  await shot(page, 'portal-entry-kql');

  await page.goto(server.url + '/');
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#files').setInputFiles(join(logs, 'mass-disconnect.eventhub.json'));
  await page.locator('#findings').waitFor();
  const mass = page.locator('#findings > li[data-kind="mass-disconnect"]');
  assert.equal(await mass.locator('.kql').count(), 2, 'records and pattern');
  assert.match(await mass.locator('.kql pre').nth(1).textContent(), /summarize DisconnectedDevices = count\(\) by Minute/);
  await mass.locator('button.copy-kql').first().click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /\| where DeviceId in \("meter-001"/);
  const cards = await page.locator('#findings > li').count();
  assert.ok(await page.locator('#findings .kql').count() >= cards, 'every finding has its query');
  await shot(page, 'portal-log-kql');
  assert.deepEqual(problems, []);
});

test('a large export is read in the worker with progress while the page stays responsive', async (t) => {
  const { page, problems } = await open(t);
  // ~24 MB built in the page, so the test needs no big file on disk.
  await page.evaluate(() => {
    const line = (i) => JSON.stringify({
      time: new Date(Date.UTC(2024, 4, 14, 8, 0, 0) + i * 50).toISOString(),
      operationName: 'ingress', category: 'DeviceTelemetry', level: 'Information',
      properties: JSON.stringify({ deviceId: `dev-${i % 500}`, messageSize: '120' }),
    }) + '\n';
    let chunk = '';
    for (let i = 0; i < 1000; i++) chunk += line(i);
    const parts = [];
    for (let i = 0; i < 120; i++) parts.push(chunk);
    const file = new File(parts, 'big.jsonl');
    const transfer = new DataTransfer();
    transfer.items.add(file);
    document.getElementById('files').files = transfer.files;
    document.getElementById('files').dispatchEvent(new Event('change'));
  });
  await page.locator('#progress-box:not([hidden])').waitFor();
  // The main thread answers while the worker reads.
  const started = Date.now();
  await page.locator('#search').fill('throttling');
  await page.locator('#results a', { hasText: 'ThrottlingException' }).first().waitFor();
  assert.ok(Date.now() - started < 2000);
  await page.locator('#findings, #report-headline').first().waitFor({ timeout: 120000 });
  assert.match(await page.locator('#report').textContent(), /120,000 records/);
  await shot(page, 'portal-log-large');
  assert.deepEqual(problems, []);
});

test('on a phone-sized screen nothing overflows sideways', async (t) => {
  const { page, problems } = await open(t, '/#404104', { width: 360, height: 740 });
  await page.locator('#entry h2').waitFor();
  await page.locator('#files').setInputFiles(join(logs, 'mass-disconnect.eventhub.json'));
  await page.locator('#findings').waitFor();
  await pasteCase(page, scanCase('Unhandled exception. Microsoft.Azure.Devices.Client.Exceptions.UnauthorizedException: CONNECT failed: RefusedNotAuthorized'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await shot(page, 'portal-phone');
  assert.deepEqual(problems, []);
});

/** precache.json of the built portal: `{ firstView, onDemand }`. */
function precacheGroups() {
  return JSON.parse(readFileSync(join(dist, 'precache.json'), 'utf8'));
}

test('the first view downloads only the catalog module; the full one comes with the first paste', async (t) => {
  const { onDemand } = precacheGroups();
  // The build's own account of what waits: the full package's module and chunk, and the diagnosis worker.
  assert.ok(onDemand.some((file) => /iothub_errors_wasm_bg-[\w-]+\.wasm$/.test(file)), onDemand.join(' '));
  assert.ok(onDemand.some((file) => /worker-[\w-]+\.js$/.test(file)), onDemand.join(' '));
  // No service worker here, so every request the page makes reaches the network and is seen.
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, serviceWorkers: 'block' });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error}`));
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname.replace(/^\//, '')));
  await page.goto(`${server.url}/#401003`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#entry h2', { hasText: '401003 IotHubUnauthorized' }).waitFor();
  await page.locator('#search').fill('throttling');
  await page.locator('#results a', { hasText: 'ThrottlingException' }).first().waitFor();
  await page.waitForLoadState('networkidle');
  const wasm = (list) => list.filter((path) => path.endsWith('.wasm'));
  assert.equal(wasm(requested).length, 1, requested.join(' '));
  assert.match(wasm(requested)[0], /iothub_errors_catalog_bg-[\w-]+\.wasm$/);
  assert.deepEqual(requested.filter((path) => onDemand.includes(path)), [], 'nothing of the paste and diagnosis parts');
  await shot(page, 'portal-first-view');

  const firstView = requested.length;
  await page.locator('#paste').fill('Operation failed with error code 404001');
  await page.locator('#explanations li[data-code="404001"]').waitFor();
  const later = requested.slice(firstView);
  assert.equal(wasm(later).length, 1, later.join(' '));
  assert.match(wasm(later)[0], /iothub_errors_wasm_bg-[\w-]+\.wasm$/);
  await page.locator('#files').setInputFiles(join(logs, 'throttling.jsonl'));
  await page.locator('#findings li[data-kind="throttling-burst"]').waitFor();
  assert.ok(requested.some((path) => /worker-[\w-]+\.js$/.test(path)), 'the worker came with the first file');
  assert.deepEqual(problems, []);
});

/** The paths of the files in the portal's service-worker cache. */
function cachedFiles(page) {
  return page.evaluate(async () => {
    const files = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) files.push(new URL(request.url).pathname.replace(/^\//, ''));
    }
    return files;
  });
}

test('once loaded, the portal works offline (service worker); paste and diagnosis once used', async (t) => {
  const { page, context, problems } = await open(t);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // The first visit caches the first view only: no diagnosis code until it is used.
  const { firstView, onDemand } = precacheGroups();
  const cached = await cachedFiles(page);
  for (const file of firstView.filter((f) => f !== './')) assert.ok(cached.includes(file), `${file} cached`);
  assert.deepEqual(cached.filter((file) => onDemand.includes(file)), [], 'no on-demand file cached yet');
  // A paste loads the full package; the service worker then keeps the paste and diagnosis files.
  await page.locator('#paste').fill('error code 429001');
  await page.locator('#explanations li[data-code="429001"]').waitFor();
  await page.waitForFunction(async (files) => {
    const cache = await caches.open((await caches.keys())[0]);
    for (const file of files) if ((await cache.match(file)) === undefined) return false;
    return true;
  }, onDemand);
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#search').fill('404104');
  await page.locator('#results a', { hasText: 'DeviceConnectionClosedRemotely' }).first().waitFor();
  await page.locator('#paste').fill('Operation failed with error code 404001');
  await page.locator('#explanations li[data-code="404001"]').waitFor();
  await page.locator('#files').setInputFiles(join(logs, 'throttling.jsonl'));
  await page.locator('#findings li[data-kind="throttling-burst"]').waitFor();
  await shot(page, 'portal-offline');
  assert.deepEqual(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED')), []);
});
