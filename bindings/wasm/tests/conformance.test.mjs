// Every case of testdata/conformance.tsv, computed into the same keys as core/tests/conformance.rs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lookup, byName, resolve, classify, search, scan } from 'iothub-errors';
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

function run(op, input) {
  try {
    switch (op) {
      case 'lookup':
        return entryFields(lookup(Number(input.trim())));
      case 'classify':
        return classificationFields(classify(Number(input.trim())));
      case 'by_name':
        return entryFields(byName(input));
      case 'resolve': {
        const resolution = resolve(input);
        return { ...classificationFields(resolution.classification), matched: resolution.matched_by };
      }
      case 'search': {
        const hits = search(input);
        return {
          top: hits[0]?.entry.name,
          top3: hits.slice(0, 3).map((hit) => hit.entry.name).join(','),
          hits: String(hits.length),
        };
      }
      case 'scan':
        return scanFields(scan(input));
      default:
        throw new Error(`unknown op ${op}`);
    }
  } catch (error) {
    // Typed errors only: an IotHubError of a core kind (numbers a u32 cannot hold included).
    if (error.name === 'IotHubError' && error.detail !== null) return { error: error.kind };
    throw error;
  }
}


test('every conformance case gives the expected keys', () => {
  const failures = [];
  let count = 0;
  testdata('conformance.tsv')
    .split('\n')
    .forEach((line, index) => {
      if (line === '' || line.startsWith('#')) return;
      count++;
      const columns = line.split('\t');
      assert.equal(columns.length, 3, `line ${index + 1}: 3 columns`);
      const [op, rawInput, expected] = columns;
      const input = unescape(rawInput);
      const actual = run(op, input);
      for (const pair of expected.split(';')) {
        const cut = pair.indexOf('=');
        const key = pair.slice(0, cut);
        const want = pair.slice(cut + 1);
        const got = key === 'top3' ? (actual.top3?.split(',').includes(want) ? want : actual.top3) : actual[key];
        if (got !== want) {
          failures.push(`line ${index + 1}: ${op}(${JSON.stringify(input)}): ${key} expected ${want}, got ${got} (${JSON.stringify(actual)})`);
        }
      }
    });
  assert.ok(count >= 300, `only ${count} cases`);
  assert.deepEqual(failures, [], `${failures.length} of ${count} cases failed`);
});
