// Every case of testdata/scan-cases.tsv through the package's scan(), with the keys and the floors of
// core/tests/scan_cases.rs: the first finding's code (none: no finding may carry a code), the optional keys
// (count, name, evidence, service, alternatives, basis~, device_id, tracking_id, gateway), and precision and
// recall per group (explicit, code-less) of 1.0.
import test from 'node:test';
import assert from 'node:assert/strict';
import { scan } from 'iothub-errors';
import { testdata, unescape } from './helpers.mjs';

/** Precision and recall floors per group. */
const FLOORS = { explicit: [1.0, 1.0], 'code-less': [1.0, 1.0] };


/** The keys of the first finding (and count), as the cases write them. */
function fields(findings) {
  const first = findings[0];
  const text = (value) => (value === null || value === undefined ? 'none' : String(value));
  const alternatives = first?.alternatives.map((a) => String(a.code)) ?? [];
  return {
    count: String(findings.length),
    name: text(first?.name),
    evidence: text(first?.evidence),
    service: text(first?.service),
    alternatives: alternatives.length === 0 ? 'none' : alternatives.join('|'),
    device_id: text(first?.device_id),
    tracking_id: text(first?.tracking_id),
    gateway: text(first?.gateway),
  };
}

test('every scan case gives the expected keys, at the precision and recall floors of each group', () => {
  const counts = {};
  const failures = [];
  let cases = 0;
  testdata('scan-cases.tsv')
    .split('\n')
    .forEach((line, index) => {
      if (line === '' || line.startsWith('#')) return;
      const number = index + 1;
      const columns = line.split('\t');
      assert.equal(columns.length, 2, `line ${number}: two tab-separated columns`);
      const input = unescape(columns[0]);
      const expected = columns[1].split(';').map((pair) => {
        const basis = pair.indexOf('~=');
        const cut = basis >= 0 ? basis : pair.indexOf('=');
        assert.ok(cut > 0, `line ${number}: bad pair ${pair}`);
        return [basis >= 0 ? `${pair.slice(0, cut)}~` : pair.slice(0, cut), pair.slice(cut + (basis >= 0 ? 2 : 1))];
      });
      const want = Object.fromEntries(expected);
      assert.ok(want.group, `line ${number}: no group`);
      assert.ok(want.code, `line ${number}: no code`);
      cases++;
      const findings = scan(input);
      const got = findings[0]?.code ?? null;
      const c = (counts[want.group] ??= { positives: 0, negatives: 0, tp: 0, fp: 0 });
      let right;
      if (want.code === 'none') {
        c.negatives++;
        right = !findings.some((f) => f.code !== null);
        if (!right) c.fp++;
      } else {
        c.positives++;
        right = got !== null && String(got) === want.code;
        if (right) c.tp++;
        else if (got !== null) c.fp++;
      }
      if (!right) {
        failures.push(`line ${number}: code ${want.code}, got ${got}: ${JSON.stringify(input)}`);
        return;
      }
      const actual = fields(findings);
      for (const [key, value] of expected) {
        if (key === 'group' || key === 'code') continue;
        if (key === 'basis~') {
          const basis = (findings[0]?.basis ?? '').toLowerCase();
          if (!basis.includes(value.toLowerCase())) failures.push(`line ${number}: basis ${JSON.stringify(basis)} lacks ${value}`);
        } else if (!(key in actual)) {
          failures.push(`line ${number}: unknown key ${key}`);
        } else if (actual[key] !== value) {
          failures.push(`line ${number}: ${key} expected ${value}, got ${actual[key]} in ${JSON.stringify(input)}`);
        }
      }
    });
  for (const [group, c] of Object.entries(counts)) {
    const flagged = c.tp + c.fp;
    const precision = flagged === 0 ? 1 : c.tp / flagged;
    const recall = c.positives === 0 ? 1 : c.tp / c.positives;
    const [minPrecision, minRecall] = FLOORS[group] ?? [1, 1];
    if (precision < minPrecision || recall < minRecall) {
      failures.push(`${group}: precision ${precision.toFixed(3)} / recall ${recall.toFixed(3)} below the floors`);
    }
  }
  const negatives = Object.values(counts).reduce((sum, c) => sum + c.negatives, 0);
  assert.ok(cases >= 150 && negatives >= 40, `${cases} cases, ${negatives} negatives`);
  assert.deepEqual(failures, [], `${failures.length} failures`);
});
