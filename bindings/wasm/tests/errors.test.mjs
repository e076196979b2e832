// Typed errors and hostile inputs: wrong types, NaN, negative, fractional and huge numbers, huge strings, NUL,
// lone surrogates. Nothing traps the WebAssembly instance: every test ends with a working lookup.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  lookup, byName, resolve, search, classify, scan, parseErrorBody, Diagnoser, initSync,
  IotHubError, IotHubTypeError, IotHubRangeError, IotHubStateError, IotHubLoadError, MAX_QUERY_BYTES,
} from 'iothub-errors';

function stillWorks() {
  assert.equal(lookup(401003).name, 'IotHubUnauthorized');
}

function throwsWith(fn, Class, name, code, message) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof Class, `${error} is a ${Class.name}`);
    assert.ok(error instanceof IotHubError && error instanceof Error);
    assert.equal(error.name, name);
    assert.equal(error.kind, code);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

test('the core errors are IotHubErrors with the core kind and its fields', () => {
  throwsWith(() => lookup(400999), IotHubError, 'IotHubError', 'unknown-code', /400999 is not in the catalog/);
  assert.throws(() => lookup(400999), (e) => e.detail.kind === 'unknown-code' && e.detail.code === 400999);
  throwsWith(() => lookup(123456), IotHubError, 'IotHubError', 'invalid-code', /not an IoT Hub error code/);
  throwsWith(() => byName('NoSuchError'), IotHubError, 'IotHubError', 'unknown-name', /NoSuchError/);
  throwsWith(() => byName('  '), IotHubError, 'IotHubError', 'empty-input');
  throwsWith(() => resolve('4010.03'), IotHubError, 'IotHubError', 'invalid-code');
  throwsWith(() => parseErrorBody('hello there'), IotHubError, 'IotHubError', 'not-an-error-body');
  throwsWith(() => parseErrorBody(''), IotHubError, 'IotHubError', 'not-an-error-body');
  stillWorks();
});

test('numbers a code cannot be are the core error invalid-code, as codes the core refuses', () => {
  for (const bad of [NaN, -1, -0.5, 401003.5, 2 ** 32, Infinity, -Infinity, Number.MAX_VALUE, -401003, 999999]) {
    for (const fn of [lookup, classify]) {
      throwsWith(() => fn(bad), IotHubError, 'IotHubError', 'invalid-code', /not an IoT Hub error code/);
      assert.throws(() => fn(bad), (e) => e.constructor === IotHubError && typeof e.detail.input === 'string');
    }
  }
  // Found in JavaScript (1.5 is no u32) or by the core (999999 is no code): one class, one kind, one shape.
  const caught = (fn) => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    assert.fail('no error');
  };
  const [js, rust] = [caught(() => lookup(1.5)), caught(() => lookup(999999))];
  assert.equal(js.constructor, rust.constructor);
  assert.deepEqual(Object.keys(js.detail).sort(), Object.keys(rust.detail).sort());
  assert.deepEqual([js.detail.kind, js.detail.input], ['invalid-code', '1.5']);
  stillWorks();
});

test('one base class catches every error of the package, with kind and its alias code', () => {
  const thrown = [
    () => lookup(400999), () => lookup(-1), () => lookup('x'), () => byName('x'.repeat(5000)),
    () => parseErrorBody('{}', 1.5), () => parseErrorBody('{}', '404'),
  ];
  const finished = new Diagnoser();
  finished.finish();
  thrown.push(() => finished.push('x'));
  thrown.push(
    () => lookup(1.5), () => lookup(999999), () => byName(''), () => resolve('NoSuchError'), () => parseErrorBody('x'),
    () => initSync('x'), () => initSync(new TextEncoder().encode('<!doctype html>')),
  );
  // Each kind comes from one class, whichever side (JavaScript or the core) finds it.
  const classOf = new Map();
  for (const fn of thrown) {
    assert.throws(fn, (error) => {
      assert.ok(error instanceof IotHubError && typeof error.kind === 'string' && error.code === error.kind);
      const seen = classOf.get(error.kind) ?? error.constructor;
      assert.equal(seen, error.constructor, `${error.kind} from ${seen.name} and ${error.constructor.name}`);
      classOf.set(error.kind, seen);
      return true;
    });
  }
  assert.deepEqual(Object.fromEntries([...classOf].map(([kind, Class]) => [kind, Class.name]).sort()), {
    'diagnoser-finished': 'IotHubStateError',
    'empty-input': 'IotHubError',
    'input-too-long': 'IotHubError',
    'invalid-argument': 'IotHubRangeError',
    'invalid-argument-type': 'IotHubTypeError',
    'invalid-code': 'IotHubError',
    'not-an-error-body': 'IotHubError',
    'not-wasm': 'IotHubLoadError',
    'unknown-code': 'IotHubError',
    'unknown-name': 'IotHubError',
  });
  for (const Class of [IotHubTypeError, IotHubRangeError, IotHubStateError, IotHubLoadError]) {
    assert.equal(Object.getPrototypeOf(Class.prototype), IotHubError.prototype);
  }
});

test('wrong types are TypeErrors', () => {
  for (const bad of ['401003', null, undefined, 401003n, {}, [401003], true, Symbol('x')]) {
    throwsWith(() => lookup(bad), IotHubTypeError, 'IotHubTypeError', 'invalid-argument-type', /must be a number/);
    throwsWith(() => classify(bad), IotHubTypeError, 'IotHubTypeError', 'invalid-argument-type');
  }
  for (const bad of [401003, null, undefined, {}, ['x'], new Uint8Array(3)]) {
    for (const fn of [byName, resolve, search, scan, parseErrorBody]) {
      throwsWith(() => fn(bad), IotHubTypeError, 'IotHubTypeError', 'invalid-argument-type', /expected a string/);
    }
  }
  throwsWith(() => parseErrorBody('{"errorCode":404001}', '404'), IotHubTypeError, 'IotHubTypeError', 'invalid-argument-type');
  for (const bad of [NaN, -1, 404.5, 65536]) {
    throwsWith(() => parseErrorBody('{"errorCode":404001}', bad), IotHubRangeError, 'IotHubRangeError', 'invalid-argument');
  }
  throwsWith(() => initSync('not bytes'), IotHubTypeError, 'IotHubTypeError', 'invalid-argument-type');
  stillWorks();
});

test('huge strings: the core refuses long queries, texts are read', () => {
  const huge = 'x'.repeat(50 * 1024 * 1024);
  for (const fn of [byName, resolve, search]) {
    throwsWith(() => fn(huge), IotHubError, 'IotHubError', 'input-too-long', /at most 4096/);
    // Short in characters, long in UTF-8 bytes: still refused, with the byte count.
    throwsWith(() => fn('😀'.repeat(1100)), IotHubError, 'IotHubError', 'input-too-long', /4400 bytes/);
    assert.throws(() => fn('😀'.repeat(1100)), (e) => e.detail.len === 4400 && e.detail.max === MAX_QUERY_BYTES);
  }
  assert.equal(resolve(' '.repeat(MAX_QUERY_BYTES - 6) + '401003').entry.code, 401003);
  const started = performance.now();
  assert.deepEqual(scan(huge), []);
  const withError = huge.slice(0, 1000) + ' error code 404001 ' + huge.slice(0, 1000);
  assert.equal(scan(withError)[0].code, 404001);
  assert.ok(performance.now() - started < 20000);
  throwsWith(() => parseErrorBody(huge), IotHubError, 'IotHubError', 'not-an-error-body');
  stillWorks();
});

test('NUL bytes, lone surrogates and control characters get answers', () => {
  throwsWith(() => resolve('\0'), IotHubError, 'IotHubError', 'unknown-name');
  throwsWith(() => byName('\uD800'), IotHubError, 'IotHubError', 'unknown-name');
  throwsWith(() => resolve('401003\uDC00'), IotHubError, 'IotHubError', 'invalid-code', /401003\uFFFD/);
  const text = '\uD800 \0 error code 404001 \uDFFF\u0007';
  const [finding] = scan(text);
  assert.match(text.slice(finding.start, finding.end), /404001/);
  for (const input of ['\0', '\uD800', '\u0000'.repeat(5000), '{'.repeat(100000), '"'.repeat(100000), '[{"a":'.repeat(20000)]) {
    assert.ok(Array.isArray(scan(input)));
    try {
      parseErrorBody(input);
    } catch (error) {
      assert.ok(error instanceof IotHubError, String(error));
    }
    const diagnoser = new Diagnoser();
    diagnoser.push(input);
    assert.equal(typeof diagnoser.finish().summary.records_skipped, 'number');
  }
  stillWorks();
});

test('a Diagnoser refuses bad chunks and use after finish', () => {
  const diagnoser = new Diagnoser();
  for (const bad of [null, undefined, 42, {}, [1, 2]]) {
    throwsWith(() => diagnoser.push(bad), IotHubTypeError, 'IotHubTypeError', 'invalid-argument-type', /string or bytes/);
  }
  diagnoser.push(new Uint16Array([0x7b7b, 0x0a0a]));
  const report = diagnoser.finish();
  assert.equal(report.findings.length, 0);
  throwsWith(() => diagnoser.push('x'), IotHubStateError, 'IotHubStateError', 'diagnoser-finished');
  throwsWith(() => diagnoser.finish(), IotHubStateError, 'IotHubStateError', 'diagnoser-finished');
  throwsWith(() => diagnoser.nextInput(), IotHubStateError, 'IotHubStateError', 'diagnoser-finished');
  diagnoser.free();
  const abandoned = new Diagnoser();
  abandoned.push('{"records":[');
  abandoned.free();
  throwsWith(() => abandoned.push('x'), IotHubStateError, 'IotHubStateError', 'diagnoser-finished');
  stillWorks();
});

test('50 MB of garbage through a Diagnoser in 1 MB chunks', () => {
  const chunk = new TextEncoder().encode('{"time":"nope"}\n<<garbage \u0000 line>>\n'.repeat(25000));
  const diagnoser = new Diagnoser();
  let pushed = 0;
  while (pushed < 50 * 1024 * 1024) {
    diagnoser.push(chunk);
    pushed += chunk.length;
  }
  const report = diagnoser.finish();
  assert.equal(report.findings.length, 0);
  assert.ok(report.summary.records_skipped > 0);
  stillWorks();
});
