// Every case of testdata/conformance.tsv, computed into the same keys as core/tests/conformance.rs, through the
// full entry; its catalog cases (all but scan) through the catalog-only entry too, which must answer alike.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as full from 'iothub-errors';
import * as catalogOnly from 'iothub-errors/catalog';
import { testdata, unescape } from './helpers.mjs';

/** "4001xx Routing" → "4001"; null → "none". */
function familyPrefix(title) {
  return title === null ? 'none' : title.split(' ')[0].replace(/x+$/, '');
}

function classificationFields(c) {
  return {
    code: c.code === null ? 'none' : String(c.code),
    name: c.name ?? 'none',
    known: String(c.known),
    class: c.class,
    family: familyPrefix(c.family),
    transient: String(c.transient),
    retry: c.retry.kind,
    actor: c.actor,
    severity: c.severity,
    http_status: c.http_status === null ? 'none' : String(c.http_status),
  };
}

function entryFields(entry) {
  return classificationFields({ ...entry, known: true });
}

function scanFields(findings) {
  const first = findings[0];
  return {
    count: String(findings.length),
    code: first?.code == null ? 'none' : String(first.code),
    name: first?.name ?? 'none',
    evidence: first?.evidence ?? 'none',
    service: first?.service ?? 'none',
  };
}

/** The operations of the conformance file that the catalog-only entry has too (scan is the full entry's). */
const CATALOG_OPS = ['lookup', 'classify', 'by_name', 'resolve', 'search'];

/** What `op` returns for `input` through the entry `api`, or `{ error: kind }`: the raw value, for comparisons. */
function call(api, op, input) {
  try {
    switch (op) {
      case 'lookup':
        return api.lookup(Number(input.trim()));
      case 'classify':
        return api.classify(Number(input.trim()));
      case 'by_name':
        return api.byName(input);
      case 'resolve':
        return api.resolve(input);
      case 'search':
        return api.search(input);
      case 'scan':
        return api.scan(input);
      default:
        throw new Error(`unknown op ${op}`);
    }
  } catch (error) {
    // Typed errors only: an IotHubError of a core kind (numbers a u32 cannot hold included).
    if (error instanceof full.IotHubError && error.detail !== null) return { error: error.kind, detail: error.detail };
    throw error;
  }
}

/** The keys core/tests/conformance.rs compares, from what `op` returned. */
function fields(op, value) {
  if (value.error !== undefined) return { error: value.error };
  switch (op) {
    case 'lookup':
    case 'by_name':
      return entryFields(value);
    case 'classify':
      return classificationFields(value);
    case 'resolve': {
      const resolution = value;
      return { ...classificationFields(resolution.classification), matched: resolution.matched_by };
    }
    case 'search': {
      const hits = value;
      return {
        top: hits[0]?.entry.name,
        top3: hits.slice(0, 3).map((hit) => hit.entry.name).join(','),
        hits: String(hits.length),
      };
    }
    case 'scan':
      return scanFields(value);
    default:
      throw new Error(`unknown op ${op}`);
  }
}

/** The cases of testdata/conformance.tsv: `{ line, op, input, expected: [[key, value], ...] }`. */
function cases() {
  const all = [];
  testdata('conformance.tsv')
    .split('\n')
    .forEach((text, index) => {
      if (text === '' || text.startsWith('#')) return;
      const columns = text.split('\t');
      assert.equal(columns.length, 3, `line ${index + 1}: 3 columns`);
      const [op, rawInput, expected] = columns;
      const pairs = expected.split(';').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]);
      all.push({ line: index + 1, op, input: unescape(rawInput), expected: pairs });
    });
  return all;
}

/** The failures of the cases through `api`: each expected key that the answer does not have. */
function failuresOf(api, list) {
  const failures = [];
  for (const { line, op, input, expected } of list) {
    const actual = fields(op, call(api, op, input));
    for (const [key, want] of expected) {
      const got = key === 'top3' ? (actual.top3?.split(',').includes(want) ? want : actual.top3) : actual[key];
      if (got !== want) {
        failures.push(`line ${line}: ${op}(${JSON.stringify(input)}): ${key} expected ${want}, got ${got} (${JSON.stringify(actual)})`);
      }
    }
  }
  return failures;
}


test('every conformance case gives the expected keys', () => {
  const all = cases();
  assert.ok(all.length >= 300, `only ${all.length} cases`);
  const failures = failuresOf(full, all);
  assert.deepEqual(failures, [], `${failures.length} of ${all.length} cases failed`);
});

test('the catalog entry gives the expected keys for every catalog case, and the same answers as the full entry', () => {
  const catalogCases = cases().filter((c) => CATALOG_OPS.includes(c.op));
  assert.ok(catalogCases.length >= 250, `only ${catalogCases.length} catalog cases`);
  assert.deepEqual(
    [...new Set(cases().map((c) => c.op))].filter((op) => !CATALOG_OPS.includes(op)),
    ['scan'],
    'every operation but scan is a catalog operation',
  );
  const failures = failuresOf(catalogOnly, catalogCases);
  assert.deepEqual(failures, [], `${failures.length} of ${catalogCases.length} cases failed`);
  // Whole answers, not only the compared keys: entries with their SDK views and KQL, errors with their fields.
  for (const { line, op, input } of catalogCases) {
    assert.deepEqual(call(catalogOnly, op, input), call(full, op, input), `line ${line}: ${op}(${JSON.stringify(input)})`);
  }
});
