// Drift between the generated types and the values: every object the package returns has exactly the members
// its type declares, and every declared member of every type holds a value somewhere in the samples. The types
// come from bindings/wasm/npm/types.keys.json, generated with types.d.ts from core/schema.json; values are
// walked by type from each function's declared return type (checked against the installed index.d.ts).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as api from 'iothub-errors';
import { TESTDATA, testdata, testdataBytes, unescape } from './helpers.mjs';

const { types } = JSON.parse(readFileSync(join(TESTDATA, '../bindings/wasm/npm/types.keys.json'), 'utf8'));

/** What each function returns, as a type reference of the manifest. */
const RETURNS = {
  lookup: 'Entry', byName: 'Entry', resolve: 'Resolution', search: 'SearchHit[]', classify: 'Classification',
  catalog: 'Entry[]', scan: 'ScanFinding[]', parseErrorBody: 'ErrorBody', finish: 'Report', errorFacts: 'ErrorFacts',
};

/**
 * Members that hold no value (null or empty) in any sample, and why that is right. Everything else of every
 * type must be seen with a value, so that a member the core stopped filling, or renamed, shows here.
 */
const NEVER_FILLED = {
  'Details.ip_addresses': 'only duplicate-identity fills it, and no sample log has a duplicated identity',
};

/** Types no function returns, and why. */
const UNREACHABLE = {
  Family: 'the package has no families() function; an entry carries its family title only',
};

/** "Type.member" (a tagged variant as "Type.tag") → whether a value was seen. */
const filled = new Map();

function walk(value, ref, path, problems) {
  if (ref.endsWith('|null')) {
    if (value === null) return;
    ref = ref.slice(0, -'|null'.length);
  }
  if (ref.endsWith('[]')) {
    if (!Array.isArray(value)) return problems.push(`${path}: expected an array, got ${typeof value}`);
    value.forEach((item, i) => walk(item, ref.slice(0, -2), `${path}[${i}]`, problems));
    return;
  }
  if (ref === 'string' || ref === 'number' || ref === 'boolean') {
    if (typeof value !== ref) problems.push(`${path}: expected a ${ref}, got ${JSON.stringify(value)}`);
    return;
  }
  const type = types[ref];
  if (type === undefined) return problems.push(`${path}: ${ref} is not a generated type`);
  if (type.enum) {
    if (!type.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not a ${ref}`);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return problems.push(`${path}: expected an object (${ref}), got ${JSON.stringify(value)}`);
  }
  let shape = type;
  let name = ref;
  if (type.tag) {
    shape = type.variants[value[type.tag]];
    if (shape === undefined) return problems.push(`${path}: ${JSON.stringify(value[type.tag])} is no variant of ${ref}`);
    name = `${ref}.${value[type.tag]}`;
  }
  for (const key of Object.keys(value)) {
    if (!(key in shape.members)) problems.push(`${path}: member ${key} is not declared in ${name}`);
  }
  for (const [member, memberRef] of Object.entries(shape.members)) {
    const key = `${name}.${member}`;
    if (!filled.has(key)) filled.set(key, false);
    if (!(member in value)) {
      if (!shape.optional?.includes(member)) problems.push(`${path}: ${name} member ${member} is missing`);
      continue;
    }
    const member_value = value[member];
    if (member_value !== null && !(Array.isArray(member_value) && member_value.length === 0)) filled.set(key, true);
    walk(member_value, memberRef, `${path}.${member}`, problems);
  }
}

/** Calls `fn`, walking its result as `ref`, or the core error it throws as an ErrorDetail. */
function sample(label, ref, fn, problems) {
  let value;
  try {
    value = fn();
  } catch (error) {
    if (!(error instanceof api.IotHubError) || error.detail === null) throw error;
    return walk(error.detail, 'ErrorDetail', `${label} threw`, problems);
  }
  walk(value, ref, label, problems);
}


const OPS = {
  lookup: (input) => api.lookup(Number(input.trim())),
  classify: (input) => api.classify(Number(input.trim())),
  by_name: (input) => api.byName(input),
  resolve: (input) => api.resolve(input),
  search: (input) => api.search(input),
  scan: (input) => api.scan(input),
};
const OP_RETURNS = { lookup: 'Entry', classify: 'Classification', by_name: 'Entry', resolve: 'Resolution', search: 'SearchHit[]', scan: 'ScanFinding[]' };

function diagnose(bytes) {
  const diagnoser = new api.Diagnoser();
  for (let at = 0; at < bytes.length; at += 4096) diagnoser.push(bytes.subarray(at, at + 4096));
  return diagnoser.finish();
}

test('the declared return types are those of index.d.ts and the catalog.d.ts it re-exports', () => {
  const require = createRequire(import.meta.url);
  const folder = dirname(require.resolve('iothub-errors/package.json'));
  const declarations = ['index.d.ts', 'catalog.d.ts'].map((file) => readFileSync(join(folder, file), 'utf8')).join('\n');
  const declared = {};
  for (const [, name, type] of declarations.matchAll(/^\s*(?:export declare function )?(\w+)\([^)]*\): (\w+(?:\[\])?);$/gm)) {
    if (types[type.replace('[]', '')]) declared[name] = type;
  }
  assert.deepEqual(declared, RETURNS);
});

test('every returned object has exactly the declared members, and every member is filled somewhere', () => {
  const problems = [];
  let cases = 0;
  for (const line of testdata('conformance.tsv').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [op, input] = line.split('\t');
    sample(`${op}(${JSON.stringify(input)})`, OP_RETURNS[op], () => OPS[op](unescape(input)), problems);
    cases++;
  }
  assert.ok(cases >= 300, `only ${cases} conformance cases`);
  sample('catalog()', RETURNS.catalog, () => api.catalog(), problems);
  for (const line of testdata('bodies', 'rest-error-bodies.jsonl').split('\n').filter(Boolean)) {
    const { body, httpStatus } = JSON.parse(line);
    sample(`parseErrorBody(${body.slice(0, 40)})`, RETURNS.parseErrorBody, () => api.parseErrorBody(body, httpStatus), problems);
  }
  // What the tables leave out: error kinds the conformance cases do not throw, a body with `info`, a log line
  // that is not a record (the sample logs are clean).
  sample('parseErrorBody(hello)', RETURNS.parseErrorBody, () => api.parseErrorBody('hello'), problems);
  sample('byName(5000 x)', RETURNS.byName, () => api.byName('x'.repeat(5000)), problems);
  const withInfo = '{"errorCode":404001,"trackingId":"t1","message":"gone","info":{"a":1}}';
  sample('parseErrorBody(with info)', RETURNS.parseErrorBody, () => api.parseErrorBody(withInfo), problems);
  const unreadable = new TextEncoder().encode('{"records":[]}\nnot a record\n');
  sample('report of an unreadable line', RETURNS.finish, () => diagnose(unreadable), problems);
  // fromError and the facts it reads: an error object that carries every kind of fact, and one without any.
  const response = { statusCode: 404, headers: { 'iothub-errorcode': 'DeviceNotFound' } };
  const transportError = Object.assign(new Error('Connection refused: Not authorized'), { code: 5 });
  const amqpError = { condition: 'amqp:not-found', description: 'gone', info: { 'com.microsoft:tracking-id': 'ab12-G:3-TimeStamp:05/01/2024 10:00:00' } };
  const everything = Object.assign(new Error('Not found'), { name: 'DeviceNotFoundError', response, responseBody: '{"errorCode":404001}', transportError, amqpError });
  sample('errorFacts(every fact)', RETURNS.errorFacts, () => api.errorFacts(everything), problems);
  sample('errorFacts(null)', RETURNS.errorFacts, () => api.errorFacts(null), problems);
  sample('fromError(every fact)', 'ScanFinding', () => api.fromError(everything), problems);
  assert.equal(api.fromError(null), null);
  const logs = readdirSync(join(TESTDATA, 'logs')).filter((file) => file !== 'EXPECTED.md');
  assert.ok(logs.length >= 5, `only ${logs.length} sample logs`);
  for (const file of logs) {
    sample(`report of ${file}`, RETURNS.finish, () => diagnose(testdataBytes('logs', file)), problems);
    sample(`scan of ${file}`, RETURNS.scan, () => api.scan(testdata('logs', file)), problems);
  }
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} values differ from their types`);

  const expected = Object.entries(types).flatMap(([name, type]) => {
    if (type.enum || name in UNREACHABLE) return [];
    const shapes = type.tag ? Object.entries(type.variants).map(([tag, v]) => [`${name}.${tag}`, v]) : [[name, type]];
    return shapes.flatMap(([shape, { members }]) => Object.keys(members).map((member) => `${shape}.${member}`));
  });
  const empty = expected.filter((key) => filled.get(key) !== true && !(key in NEVER_FILLED));
  assert.deepEqual(empty, [], 'declared members no sample fills (or types no sample reaches)');
  for (const name of Object.keys(UNREACHABLE)) {
    assert.ok(name in types, `${name} is listed as unreachable but is no generated type`);
    assert.ok(![...filled.keys()].some((key) => key.startsWith(`${name}.`)), `${name} is reached after all`);
  }
  for (const key of Object.keys(NEVER_FILLED)) assert.equal(filled.get(key), false, `${key} is filled after all`);
});
