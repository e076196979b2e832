// fromError and errorFacts on values shaped as the SDKs' error objects are at run time (see tests/sdk for the
// real SDKs), and on anything else a catch block can hold: the reading is bounded, cycle-safe, never serializes
// an object whole and never throws.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fromError, errorFacts } from 'iothub-errors';

test('a string is scanned as a message; null and undefined give null', () => {
  const finding = fromError('ErrorCode:DeviceNotFound;the device is not registered');
  assert.equal(finding.code, 404001);
  assert.equal(fromError(null), null);
  assert.equal(fromError(undefined), null);
  assert.equal(fromError(''), null);
  assert.equal(fromError('nothing to see here'), null);
  assert.deepEqual(errorFacts('x'), { chain: [{ message: 'x' }] });
});

test('numbers, booleans, symbols, bigints, functions and empty objects never throw', () => {
  for (const value of [0, 404001, NaN, -1, true, Symbol('s'), 10n, () => {}, {}, [], new Map(), Object.create(null)]) {
    assert.doesNotThrow(() => fromError(value), String(typeof value));
  }
  assert.equal(fromError(Object.create(null)), null);
});

test('ES causes are followed outermost first, and the explicit code of a cause wins', () => {
  const error = new Error('request failed', { cause: new Error('ErrorCode:ThrottleBacklogLimitExceeded;backlog') });
  const facts = errorFacts(error);
  assert.deepEqual(facts.chain.map((link) => link.message), ['request failed', 'ErrorCode:ThrottleBacklogLimitExceeded;backlog']);
  assert.equal(fromError(error).code, 429002);
});

test('REST shape: status, iothub-errorcode header (object or get()), body as string, object or bytes', () => {
  const response = { statusCode: 404, headers: { 'iothub-errorcode': 'DeviceNotFound' } };
  response.req = { res: response }; // circular, as IncomingMessage and ClientRequest are
  const error = Object.assign(new Error('Not found'), { response, responseBody: '' });
  const facts = errorFacts(error);
  assert.equal(facts.http_status, 404);
  assert.equal(facts.error_code_header, 'DeviceNotFound');
  assert.equal(fromError(error).code, 404001);

  // @azure/ms-rest-js RestError: name 'Error', statusCode on the error, HttpHeaders with get(), body raw.
  class RestError extends Error {}
  const headers = { get: (name) => (name === 'iothub-errorcode' ? 'DeviceNotOnline' : undefined) };
  const rest = Object.assign(new RestError('{"errorCode":404103}'), { statusCode: 404, response: { headers, body: { errorCode: 404103 } } });
  const restFacts = errorFacts(rest);
  assert.equal(restFacts.chain[0].name, 'RestError');
  assert.equal(restFacts.error_code_header, 'DeviceNotOnline');
  assert.equal(restFacts.body, '{"errorCode":404103}');
  assert.equal(restFacts.http_status, 404);
  assert.equal(fromError(rest).code, 404103);

  const bytes = Object.assign(new Error('x'), { body: new TextEncoder().encode('{"errorCode":403002}') });
  assert.equal(errorFacts(bytes).body, '{"errorCode":403002}');
  const buffer = Object.assign(new Error('x'), { body: new TextEncoder().encode('{"errorCode":403002}').buffer });
  assert.equal(errorFacts(buffer).body, '{"errorCode":403002}');
});

test('AMQP shapes: condition, description and tracking id from prototype getters; twin errors with an object message', () => {
  class AmqpError {
    get condition() { return 'com.microsoft:device-container-throttled'; }
    get description() { return 'too many requests'; }
    get info() { return { 'com.microsoft:tracking-id': '9f1c-G:0-TimeStamp:01/09/2025 07:01:12' }; }
  }
  const error = Object.assign(new Error('AMQP Transport: Could not send'), { name: 'ThrottlingError', amqpError: new AmqpError() });
  const facts = errorFacts(error);
  assert.equal(facts.amqp_condition, 'com.microsoft:device-container-throttled');
  assert.equal(facts.amqp_description, 'too many requests');
  assert.equal(facts.chain.length, 1, 'an AMQP error without a message or name is no link of its own');
  const finding = fromError(error);
  assert.equal(finding.code, 429001);
  assert.equal(finding.tracking_id, '9f1c');

  const twin = new Error('placeholder');
  twin.name = 'DeviceNotFoundError';
  twin.message = { errorCode: 404001, trackingId: 'aa11-G:2-TimeStamp:01/09/2025 07:01:12', message: 'device gone' };
  twin.amqpError = { message_annotations: { status: 404 }, body: { content: new TextEncoder().encode('{}') } };
  const twinFacts = errorFacts(twin);
  assert.equal(twinFacts.http_status, 404);
  assert.equal(twinFacts.chain[0].message, 'device gone');
  assert.match(twinFacts.body, /"errorCode":404001/);
  assert.equal(fromError(twin).code, 404001);
});

test('a transport error code of 1 to 5 is a CONNACK return code; other codes are not', () => {
  const wrap = (code) => Object.assign(new Error('Connection refused'), { name: 'NotConnectedError', transportError: Object.assign(new Error('Connection refused: Not authorized'), { code }) });
  assert.equal(errorFacts(wrap(5)).connack_code, 5);
  assert.equal(errorFacts(wrap(0)).connack_code, undefined);
  assert.equal(errorFacts(wrap('ECONNREFUSED')).connack_code, undefined);
  assert.equal(errorFacts(Object.assign(new Error('x'), { code: 5 })).connack_code, undefined, 'only on a transport error');
});

test('stack frames are kept with their package paths, bounded', () => {
  const error = new Error('boom');
  error.stack = `Error: boom\n    at translateError (/app/node_modules/azure-iot-mqtt-base/dist/mqtt_translate_error.js:71:19)\n${'    at f (/app/x.js:1:1)\n'.repeat(100)}`;
  const facts = errorFacts(error);
  assert.equal(facts.frames[0], 'translateError (/app/node_modules/azure-iot-mqtt-base/dist/mqtt_translate_error.js:71:19)');
  assert.ok(facts.frames.length <= 32);
});

test('cycles, deep chains and huge strings are bounded', () => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  a.cause = b;
  assert.equal(errorFacts(a).chain.length, 2);

  let deep = new Error('ErrorCode:DeviceNotFound;at the bottom');
  for (let i = 0; i < 1000; i++) deep = new Error(`level ${i}`, { cause: deep });
  assert.ok(errorFacts(deep).chain.length <= 9);
  assert.equal(fromError(deep), null, 'the bottom of a 1000-deep chain is not read');

  const huge = new Error('x'.repeat(1 << 20));
  assert.ok(errorFacts(huge).chain[0].message.length <= 16384);
  assert.doesNotThrow(() => fromError(huge));
});

test('throwing getters, Proxies and revoked Proxies never make fromError throw', () => {
  const throwing = {};
  for (const key of ['name', 'message', 'stack', 'cause', 'response', 'constructor', 'condition', 'transportError']) {
    Object.defineProperty(throwing, key, { get() { throw new Error(`getter ${key}`); } });
  }
  assert.doesNotThrow(() => fromError(throwing));
  const trap = () => { throw new Error('trap'); };
  const hostile = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });
  assert.equal(fromError(hostile), null);
  const { proxy, revoke } = Proxy.revocable(new Error('ErrorCode:DeviceNotFound;x'), {});
  assert.equal(fromError(proxy).code, 404001);
  revoke();
  assert.equal(fromError(proxy), null);
  const headers = { get() { throw new Error('no'); } };
  assert.doesNotThrow(() => fromError(Object.assign(new Error('x'), { response: { headers, statusCode: 'x' } })));
  const body = { toJSON() { throw new Error('no'); } };
  assert.doesNotThrow(() => fromError(Object.assign(new Error('x'), { body })));
});
