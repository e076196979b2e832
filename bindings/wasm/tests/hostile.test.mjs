// The shared hostile inputs (testdata/hostile.tsv) through the installed package. Text rows: every text function
// answers or throws the package's own error, and the WebAssembly instance keeps working. Value rows: a value of
// the wrong type where a string or a code is expected is a TypeError (a RangeError for numbers no code can be).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as api from 'iothub-errors';
import {
  lookup, byName, resolve, search, classify, scan, parseErrorBody, Diagnoser,
  IotHubError, IotHubTypeError, IotHubRangeError,
} from 'iothub-errors';
import { testdata } from './helpers.mjs';
import { hostileRows, buildText, checkText } from './hostile.mjs';

const rows = hostileRows(testdata('hostile.tsv'));
const textRows = rows.filter((row) => row.kind === 'text');
const valueRows = rows.filter((row) => row.kind === 'value');

/** The JavaScript values of the table's value generators. */
const VALUES = {
  none: [null, undefined],
  int: [5],
  float: [1.5],
  nan: [NaN],
  list: [[]],
  dict: [{}],
  bytes: [new Uint8Array([0x34, 0x30, 0x31, 0x30, 0x30, 0x33])],
};

test('the table has the rows every binding runs', () => {
  assert.ok(textRows.length >= 15, `only ${textRows.length} text rows`);
  assert.deepEqual(new Set(valueRows.map((row) => row.generator)), new Set(Object.keys(VALUES)));
});

for (const { name, generator } of textRows) {
  test(`hostile text ${name}: answers or the package's errors, no trap`, () => {
    const text = buildText(generator);
    assert.deepEqual(checkText(api, name, text), []);
  });
}

test('lone surrogates are kept in the generated strings', () => {
  const row = textRows.find((r) => r.name === 'lone-surrogates');
  assert.ok(row, 'the table has a lone-surrogates row');
  const text = buildText(row.generator);
  assert.equal(text.slice(0, 4), 'a\uD800b\uDFFF');
  assert.equal(text.length, 4 + 100);
});

function throwsType(fn, what) {
  assert.throws(fn, (error) => error instanceof IotHubTypeError && error instanceof IotHubError, what);
}

for (const { name, generator } of valueRows) {
  test(`hostile value ${name} (${generator}) is refused with the documented error`, () => {
    for (const value of VALUES[generator]) {
      const what = `${name}: ${Object.prototype.toString.call(value)} ${String(value)}`;
      // Where a string is expected: always an IotHubTypeError.
      for (const fn of [resolve, byName, search, scan, parseErrorBody]) throwsType(() => fn(value), `${fn.name} ${what}`);
      const diagnoser = new Diagnoser();
      if (generator === 'bytes') {
        // Diagnoser.push documents bytes (Uint8Array, any ArrayBufferView, ArrayBuffer) as a valid chunk: skipped.
      } else {
        throwsType(() => diagnoser.push(value), `Diagnoser.push ${what}`);
      }
      diagnoser.free();

      // fromError takes anything: never a throw.
      assert.doesNotThrow(() => api.fromError(value), `fromError ${what}`);

      // Where a code is expected (lookup, classify; parseErrorBody's optional httpStatus).
      for (const fn of [lookup, classify]) {
        if (generator === 'int') {
          // 5 is a well-typed code argument; the core answers that it is not a six-digit code.
          assert.throws(() => fn(value), (e) => e instanceof IotHubError && e.code === 'invalid-code', `${fn.name} ${what}`);
        } else if (generator === 'float' || generator === 'nan') {
          // Documented: a code that is NaN or fractional is the core's invalid-code, as an int that is no code.
          assert.throws(() => fn(value), (e) => e.constructor === IotHubError && e.kind === 'invalid-code', `${fn.name} ${what}`);
        } else {
          throwsType(() => fn(value), `${fn.name} ${what}`);
        }
      }
      const body = '{"errorCode":404001}';
      if (generator === 'none' || generator === 'int') {
        // httpStatus is optional (null/undefined) and 5 is a whole number from 0 to 65535: both accepted.
        assert.equal(parseErrorBody(body, value).code, 404001);
      } else if (generator === 'float' || generator === 'nan') {
        assert.throws(() => parseErrorBody(body, value), (e) => e instanceof IotHubRangeError && e.code === 'invalid-argument', what);
      } else {
        throwsType(() => parseErrorBody(body, value), `parseErrorBody httpStatus ${what}`);
      }
    }
    assert.equal(lookup(401003).name, 'IotHubUnauthorized');
  });
}
