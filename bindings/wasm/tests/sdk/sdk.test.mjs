// fromError on errors thrown by the real Azure IoT Node SDK packages (pinned in this folder's package.json and
// package-lock.json, installed by `cargo xtask test wasm` with npm ci), provoked against fake servers on
// 127.0.0.1: an HTTPS server answering IoT Hub error bodies and headers (azure-iothub Registry, and
// DigitalTwinClient over @azure/ms-rest-js in a child process), an MQTT over TLS
// server refusing CONNECT (azure-iot-device with azure-iot-device-mqtt), and an AMQP over TLS listener (rhea)
// rejecting the CBS token or detaching links with IoT Hub conditions (azure-iot-device with
// azure-iot-device-amqp). Nothing of the SDK is replaced: each test asserts what fromError reads off the object
// the SDK really built. The certificate is a fresh self-signed one for 127.0.0.1 and localhost (openssl).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import https from 'node:https';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromError, errorFacts } from 'iothub-errors';

const require = createRequire(import.meta.url);
const { Registry } = require('azure-iothub');
const { Client, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Amqp } = require('azure-iot-device-amqp');
const { NoRetry } = require('azure-iot-common');
const rhea = require('rhea');

/** Every fake server listens here, never on another address. */
const LOCAL = '127.0.0.1';
const KEY = Buffer.from('not-a-real-key-only-for-local-tests').toString('base64');
const TRACKING = 'b1f5e2c3d4a54f6e8a7b9c0d1e2f3a4b';

let dir;
let key;
let cert;
const closers = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'iothub-errors-sdk-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  key = readFileSync(join(dir, 'key.pem'));
  cert = readFileSync(join(dir, 'cert.pem'));
});

after(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

/** Listens on 127.0.0.1 at an ephemeral port; resolves to the port. */
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCAL, () => resolve(server.address().port));
    closers.push(() => new Promise((done) => {
      server.closeAllConnections?.();
      server.close(() => done());
    }));
  });
}

/** The error a promise rejects with (fails when it resolves or takes longer than `ms`). */
async function rejection(promise, ms = 10000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no error within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } catch (error) {
    if (error.message === `no error within ${ms} ms`) throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('the SDK call succeeded; an error was expected');
}

/** Codes of a finding's alternatives. */
const alternatives = (finding) => finding.alternatives.map((a) => a.code);

// ---------------------------------------------------------------------------------------------------------
// (a) azure-iothub Registry over HTTPS.

/** What the fake hub answers per device id: status, headers, body. */
const REST = {
  missing: [404, { 'iothub-errorcode': 'DeviceNotFound' },
    { Message: 'ErrorCode:DeviceNotFound;E2E device missing', ExceptionMessage: `Tracking ID:${TRACKING}-G:3-TimeStamp:05/01/2024 10:00:00` }],
  offline: [404, {},
    { Message: JSON.stringify({ errorCode: 404103, trackingId: `${TRACKING}-G:5-TimeStamp:05/01/2024 10:00:00`, message: 'The device is offline', timestampUtc: '2024-05-01T10:00:00Z' }), ExceptionMessage: '' }],
  throttled: [429, { 'iothub-errorcode': 'ThrottlingException' },
    { Message: 'ErrorCode:ThrottlingException;Rate limit exceeded', ExceptionMessage: `Tracking ID:${TRACKING}-G:1-TimeStamp:05/01/2024 10:00:00` }],
  header: [404, { 'iothub-errorcode': 'DeviceNotFound' }, null],
  'offline-twin': [404, { 'iothub-errorcode': 'DeviceNotOnline' },
    { Message: 'ErrorCode:DeviceNotOnline;The device is offline', ExceptionMessage: `Tracking ID:${TRACKING}-G:2-TimeStamp:05/01/2024 10:00:00` }],
  bare401: [401, {}, null],
};

/** The fake hub's HTTPS server on 127.0.0.1: answers REST[last path segment]; resolves to its port. */
function restServer() {
  const server = https.createServer({ key, cert }, (request, response) => {
    const id = decodeURIComponent(request.url.split('?')[0].split('/').pop());
    const [status, headers, body] = REST[id] ?? [500, {}, null];
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(body === null ? '' : JSON.stringify(body));
  });
  return listen(server);
}

async function registry() {
  const port = await restServer();
  const hub = Registry.fromConnectionString(`HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY}`);
  // The hub host of a connection string has no port for HTTP, so an agent dials the fake hub's port; it is the
  // same setOptions call the Registry constructor makes (with its own keep-alive agent), plus the test's CA.
  class LocalAgent extends https.Agent {
    createConnection(options, callback) {
      return super.createConnection({ ...options, host: LOCAL, port, servername: 'localhost' }, callback);
    }
  }
  const agent = new LocalAgent({ keepAlive: false });
  closers.push(() => agent.destroy());
  hub._restApiClient.setOptions({ ca: cert, http: { agent } });
  return hub;
}

test('azure-iothub Registry.get over HTTPS: bodies, headers and bare statuses', async (t) => {
  const hub = await registry();

  await t.test('404 DeviceNotFound body and header: 404001 with the tracking id and gateway', async () => {
    const error = await rejection(hub.get('missing'));
    assert.equal(error.name, 'DeviceNotFoundError');
    const finding = fromError(error);
    assert.equal(finding.code, 404001);
    assert.equal(finding.name, 'DeviceNotFound');
    assert.deepEqual(alternatives(finding), []);
    assert.equal(finding.tracking_id, TRACKING);
    assert.equal(finding.gateway, '3');
    const facts = errorFacts(error);
    assert.equal(facts.http_status, 404);
    assert.equal(facts.error_code_header, 'DeviceNotFound');
    assert.ok(facts.frames.some((frame) => frame.includes('azure-iothub')), facts.frames.join('\n'));
  });

  await t.test('404 whose Message is escaped JSON: the SDK says only "Not found", the body keeps 404103', async () => {
    const error = await rejection(hub.get('offline'));
    assert.equal(error.message, 'Not found');
    const finding = fromError(error);
    assert.equal(finding.code, 404103);
    assert.equal(finding.evidence, 'json-error-code');
    assert.equal(finding.tracking_id, TRACKING);
    assert.equal(finding.gateway, '5');
  });

  await t.test('429 ThrottlingException: a throttling code from the body', async () => {
    const error = await rejection(hub.get('throttled'));
    assert.equal(error.name, 'ThrottlingError');
    const finding = fromError(error);
    assert.equal(finding.code, 429001, JSON.stringify(finding));
    assert.equal(finding.name, 'ThrottlingException');
    assert.equal(finding.tracking_id, TRACKING);
    assert.equal(finding.gateway, '1');
  });

  await t.test('404 with an empty body: the iothub-errorcode header alone names the error', async () => {
    const error = await rejection(hub.get('header'));
    assert.equal(error.message, 'Not found');
    const finding = fromError(error);
    assert.equal(finding.code, 404001);
    assert.equal(finding.evidence, 'error-code-name');
    assert.equal(errorFacts(error).body, undefined, 'no body to read');
  });

  await t.test('bare 401 from a service call: most likely 401002, with alternatives', async () => {
    const error = await rejection(hub.get('bare401'));
    assert.equal(error.name, 'UnauthorizedError');
    const finding = fromError(error);
    assert.equal(finding.code, 401002, JSON.stringify(finding));
    assert.equal(finding.evidence, 'sdk-exception');
    assert.ok(finding.confidence < 1, JSON.stringify(finding));
    assert.deepEqual(alternatives(finding), [401003]);
    assert.match(finding.basis, /service call/);
  });
});

test('azure-iothub DigitalTwinClient (@azure/ms-rest-js RestError): headers.get() and the raw body', async () => {
  const port = await restServer();
  const child = join(dirname(fileURLToPath(import.meta.url)), 'digital-twin-child.mjs');
  const stdout = await new Promise((resolve, reject) => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), FAKE_HUB: `${LOCAL}:${port}`, TWIN_ID: 'offline-twin' };
    execFile(process.execPath, [child], { env, timeout: 20000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  const seen = JSON.parse(stdout.trim().split('\n').pop());
  assert.equal(seen.constructor, 'RestError', stdout);
  assert.equal(seen.statusCode, 404);
  assert.equal(seen.headerViaGet, 'DeviceNotOnline', 'the header is only reachable through get()');
  assert.equal(seen.facts.error_code_header, 'DeviceNotOnline');
  assert.equal(seen.facts.http_status, 404);
  assert.equal(seen.finding.code, 404103, stdout);
  assert.equal(seen.finding.tracking_id, TRACKING);
  assert.equal(seen.finding.gateway, '2');
});

// ---------------------------------------------------------------------------------------------------------
// (b) azure-iot-device over MQTT (TLS): a minimal MQTT 3.1.1 server that answers CONNECT with a CONNACK.

/**
 * A TLS server that reads one CONNECT per connection and answers CONNACK with `returnCode`, then closes; with
 * `acceptFirst`, the first connection is accepted (return code 0) and dropped after 150 ms.
 */
async function mqttServer(returnCode, { acceptFirst = false } = {}) {
  let connections = 0;
  const server = tls.createServer({ key, cert }, (socket) => {
    socket.on('error', () => {});
    const accept = acceptFirst && connections++ === 0;
    socket.once('data', (data) => {
      if (data[0] >> 4 !== 1) return socket.destroy();
      socket.write(Buffer.from([0x20, 0x02, 0x00, accept ? 0 : returnCode]));
      if (accept) setTimeout(() => socket.destroy(), 150);
      else socket.end();
    });
  });
  return listen(server);
}

/** A device client of the real SDK for the fake hub at `port`, trusting the test's certificate, never retrying. */
async function deviceClient(port, Transport) {
  const client = Client.fromConnectionString(`HostName=${LOCAL}:${port};DeviceId=sensor-7;SharedAccessKey=${KEY}`, Transport);
  // setOptions applies `ca` asynchronously (it first tries to read it as a file name): wait for it.
  await client.setOptions({ ca: cert.toString() });
  client.setRetryPolicy(new NoRetry());
  closers.push(() => client.close().catch(() => {}));
  return client;
}

test('azure-iot-device over MQTT: refused CONNACKs', async (t) => {
  await t.test('return code 5 (not authorized): 401003 with alternatives', async () => {
    const client = await deviceClient(await mqttServer(5), Mqtt);
    const error = await rejection(client.open());
    assert.equal(error.name, 'UnauthorizedError');
    const finding = fromError(error);
    assert.equal(finding.code, 401003, JSON.stringify(finding));
    assert.equal(finding.evidence, 'mqtt-connack');
    // On first connect the SDK keeps no return code (its transportError is a plain Error): the text tells.
    assert.equal(errorFacts(error).connack_code, undefined);
    assert.ok(alternatives(finding).includes(404001) && finding.confidence < 1, JSON.stringify(finding));
    assert.ok(errorFacts(error).frames.some((frame) => frame.includes('azure-iot')), 'SDK frames are kept');
  });

  await t.test('return code 4 (bad user name or password): 401003', async () => {
    const client = await deviceClient(await mqttServer(4), Mqtt);
    const error = await rejection(client.open());
    assert.equal(error.name, 'UnauthorizedError');
    assert.equal(fromError(error).code, 401003);
  });

  await t.test('reconnecting after a drop, refused with 5: the return code survives in transportError.code', async () => {
    const client = await deviceClient(await mqttServer(5, { acceptFirst: true }), Mqtt);
    await client.open();
    await new Promise((resolve) => client.once('disconnect', resolve));
    const error = await rejection(client.getTwin());
    assert.equal(error.name, 'NotConnectedError');
    const facts = errorFacts(error);
    assert.equal(facts.connack_code, 5, JSON.stringify(facts));
    const finding = fromError(error);
    assert.equal(finding.code, 401003, JSON.stringify(finding));
    assert.equal(finding.evidence, 'mqtt-connack');
    const send = await rejection(client.sendEvent(new Message('{"t":21.5}')));
    assert.equal(errorFacts(send).connack_code, 5, 'two transportErrors deep');
    assert.equal(fromError(send).code, 401003);
  });

  await t.test('return code 3 (server unavailable): 503001', async () => {
    const client = await deviceClient(await mqttServer(3), Mqtt);
    const error = await rejection(client.open());
    assert.equal(error.name, 'ServiceUnavailableError');
    assert.equal(fromError(error).code, 503001, JSON.stringify(errorFacts(error)));
  });
});

// ---------------------------------------------------------------------------------------------------------
// (c) azure-iot-device over AMQP (TLS): a rhea listener with a CBS node, rejecting the token or detaching
// the telemetry link with an IoT Hub condition.

/**
 * An AMQP listener: `cbsStatus` answers every put-token; `detach` (condition, description) closes the link
 * the device attaches after a successful token with that error, carrying a tracking id in `info`; `twin`
 * (status, body) answers every twin request with that `status` message annotation and JSON body.
 */
async function amqpServer({ cbsStatus, detach, twin }) {
  const container = rhea.create_container({ id: 'fake-hub' });
  container.sasl_server_mechanisms.enable_anonymous();
  container.on('receiver_open', (context) => {
    const address = context.receiver.target?.address ?? '';
    if (address !== '$cbs' && detach) {
      context.receiver.close({ condition: detach[0], description: detach[1], info: { 'com.microsoft:tracking-id': `${TRACKING}-G:4-TimeStamp:05/01/2024 10:00:00` } });
    }
  });
  container.on('sender_open', (context) => {
    const address = context.sender.source?.address ?? '';
    if (address !== '$cbs' && detach) {
      context.sender.close({ condition: detach[0], description: detach[1], info: { 'com.microsoft:tracking-id': `${TRACKING}-G:4-TimeStamp:05/01/2024 10:00:00` } });
    }
  });
  container.on('message', (context) => {
    const target = context.receiver.target?.address ?? '';
    if (twin && target.endsWith('/twin')) {
      const reply = context.connection.find_sender((s) => (s.source?.address ?? '').endsWith('/twin'));
      reply?.send({
        correlation_id: context.message.correlation_id,
        message_annotations: { status: twin[0] },
        body: rhea.message.data_section(Buffer.from(JSON.stringify(twin[1]))),
      });
      return;
    }
    if (target !== '$cbs') return;
    const request = context.message;
    const reply = context.connection.find_sender((s) => s.source?.address === '$cbs');
    reply?.send({
      correlation_id: request.message_id,
      application_properties: {
        'status-code': cbsStatus,
        'status-description': cbsStatus === 200 ? 'OK' : `Unauthorized. TrackingId:${TRACKING}-G:4,TimeStamp:05/01/2024 10:00:00`,
      },
    });
  });
  const server = container.listen({ port: 0, host: LOCAL, transport: 'tls', key, cert });
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  closers.push(() => new Promise((done) => server.close(() => done())));
  return server.address().port;
}

test('azure-iot-device over AMQP: CBS rejection and link conditions', async (t) => {
  await t.test('CBS put-token answered 401: 401003 (a device connection)', async () => {
    const client = await deviceClient(await amqpServer({ cbsStatus: 401 }), Amqp);
    const error = await rejection(client.open());
    assert.equal(error.name, 'UnauthorizedError', `${error.name}: ${error.message}`);
    const finding = fromError(error);
    assert.equal(finding.code, 401003, JSON.stringify({ finding, facts: errorFacts(error) }));
    assert.deepEqual(alternatives(finding), [401002]);
    // The SDK drops the CBS status; the hub's description kept the tracking id in the message.
    assert.equal(finding.tracking_id, TRACKING);
    assert.equal(finding.gateway, '4');
  });

  await t.test('telemetry link detached with com.microsoft:device-container-throttled: 429001 and the tracking id', async () => {
    const client = await deviceClient(await amqpServer({ cbsStatus: 200, detach: ['com.microsoft:device-container-throttled', 'Device container throttled'] }), Amqp);
    await client.open();
    const error = await rejection(client.sendEvent(new Message('{"t":21.5}')));
    const facts = errorFacts(error);
    assert.equal(facts.amqp_condition, 'com.microsoft:device-container-throttled', JSON.stringify(facts));
    const finding = fromError(error);
    assert.equal(finding.code, 429001, JSON.stringify({ finding, facts }));
    assert.equal(finding.evidence, 'amqp-condition');
    assert.ok(alternatives(finding).includes(429005), JSON.stringify(finding));
    assert.equal(finding.tracking_id, TRACKING);
    assert.equal(finding.gateway, '4');
  });

  await t.test('twin request answered with status 404 and an error body: the SDK parses the body into message', async () => {
    const body = { errorCode: 404001, trackingId: `${TRACKING}-G:6-TimeStamp:05/01/2024 10:00:00`, message: 'Device sensor-7 not registered', timestampUtc: '2024-05-01T10:00:00Z' };
    const client = await deviceClient(await amqpServer({ cbsStatus: 200, twin: [404, body] }), Amqp);
    await client.open();
    const error = await rejection(client.getTwin());
    // A plain Error, whose amqpError is the twin client's DeviceNotFoundError, whose message is the parsed body
    // and whose amqpError is the AMQP response (status 404 in its message annotations).
    assert.equal(error.name, 'Error');
    assert.equal(error.amqpError.name, 'DeviceNotFoundError');
    assert.equal(typeof error.amqpError.message, 'object', 'the SDK puts the parsed body in message');
    const facts = errorFacts(error);
    assert.equal(facts.http_status, 404, JSON.stringify(facts));
    assert.deepEqual(facts.chain[1], { name: 'DeviceNotFoundError', message: 'Device sensor-7 not registered' });
    const finding = fromError(error);
    assert.equal(finding.code, 404001, JSON.stringify({ finding, facts }));
    assert.deepEqual(alternatives(finding), []);
    assert.equal(finding.tracking_id, TRACKING);
    assert.equal(finding.gateway, '6');
  });

  await t.test('telemetry link detached with amqp:unauthorized-access: 401003', async () => {
    const client = await deviceClient(await amqpServer({ cbsStatus: 200, detach: ['amqp:unauthorized-access', 'Unauthorized'] }), Amqp);
    await client.open();
    const error = await rejection(client.sendEvent(new Message('{"t":21.5}')));
    const facts = errorFacts(error);
    assert.equal(facts.amqp_condition, 'amqp:unauthorized-access', JSON.stringify(facts));
    assert.equal(fromError(error).code, 401003, JSON.stringify({ finding: fromError(error), facts }));
  });
});
