// `using diagnoser = new Diagnoser()` as TypeScript 5.2+ users write it. tsc compiles this file (target es2022,
// which lowers `using` to calls of Symbol.dispose; Node.js 20 has the symbol but not the syntax) into
// using.test.mjs before node --test runs it, with @types/node and lib esnext.disposable beside the DOM's types.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Diagnoser, IotHubStateError, type Report } from 'iothub-errors';

const log = readFileSync(new URL('./fixtures/tiny.jsonl', import.meta.url), 'utf8');
const finished = (error: unknown) => error instanceof IotHubStateError && error.kind === 'diagnoser-finished';

test('a Diagnoser declared with `using` is freed when its block ends, keeping its counters', () => {
  let escaped: Diagnoser | undefined;
  {
    using diagnoser = new Diagnoser();
    diagnoser.push(log);
    escaped = diagnoser;
  }
  assert.ok(escaped !== undefined && escaped.recordsRead > 0);
  assert.throws(() => escaped?.push(log), finished);
});

test('`using` frees the diagnoser when its block throws, and after finish()', () => {
  let escaped: Diagnoser | undefined;
  assert.throws(() => {
    using diagnoser = new Diagnoser();
    escaped = diagnoser;
    throw new Error('a failed read');
  }, /a failed read/);
  assert.throws(() => escaped?.nextInput(), finished);
  let report: Report | undefined;
  {
    using diagnoser = new Diagnoser();
    diagnoser.push(log);
    report = diagnoser.finish();
  }
  assert.equal(report.summary.records_read, 4);
});
