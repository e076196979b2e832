// The sample logs of testdata/logs get the diagnoses of testdata/logs/EXPECTED.md, streamed in small chunks.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Diagnoser } from 'iothub-errors';
import { testdataBytes } from './helpers.mjs';

function diagnose(file) {
  const bytes = testdataBytes('logs', file);
  const diagnoser = new Diagnoser();
  // Odd-sized chunks split records, lines and UTF-8 sequences anywhere.
  for (let at = 0; at < bytes.length; at += 997) diagnoser.push(bytes.subarray(at, at + 997));
  return diagnoser.finish();
}

const ofKind = (report, kind) => report.findings.filter((f) => f.kind === kind);
function only(report, kind) {
  const found = ofKind(report, kind);
  assert.equal(found.length, 1, `${kind} in ${JSON.stringify(report.findings.map((f) => [f.kind, f.devices]))}`);
  return found[0];
}
const devicesOf = (report, kind) => ofKind(report, kind).flatMap((f) => f.devices).sort();
const RANK = { info: 0, warning: 1, error: 2, critical: 3 };

test('connections-sas-renewal.jsonl', () => {
  const report = diagnose('connections-sas-renewal.jsonl');
  assert.deepEqual([report.summary.records_read, report.summary.records_skipped], [33, 0]);
  assert.deepEqual(report.summary.formats, ['storage-json-lines']);
  assert.deepEqual(devicesOf(report, 'sas-token-renewal'), ['pump-17', 'thermo-0042', 'valve-c-003']);
  for (const finding of ofKind(report, 'sas-token-renewal')) assert.equal(finding.severity, 'info');
  const thermo = ofKind(report, 'sas-token-renewal').find((f) => f.devices[0] === 'thermo-0042');
  assert.ok(thermo.details.period_minutes >= 60 && thermo.details.period_minutes <= 70);
  assert.deepEqual(thermo.codes, [401003, 404104]);
  assert.equal(thermo.count, 3);
  const door = only(report, 'network-disconnect');
  assert.deepEqual([door.devices, door.count, door.severity], [['door-9'], 2, 'warning']);
  assert.ok(door.details.reconnect_minutes > 4);
  assert.equal(report.findings.length, 4);
  assert.equal(Math.max(...report.findings.map((f) => RANK[f.severity])), RANK.warning);
});

test('mass-disconnect.eventhub.json', () => {
  const report = diagnose('mass-disconnect.eventhub.json');
  assert.deepEqual([report.summary.records_read, report.summary.records_skipped], [26, 0]);
  const mass = only(report, 'mass-disconnect');
  assert.deepEqual(mass.devices, [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => `meter-${String(n).padStart(3, '0')}`));
  assert.deepEqual(mass.codes, [404104, 500001, 500008]);
  assert.match(mass.title, /within 10 s/);
  assert.equal(mass.first, '2024-05-15T14:02:11Z');
  const link = only(report, 'link-conflict-side-effect');
  assert.deepEqual(link.devices, ['meter-004']);
  assert.equal(link.details.root_cause, 'mass-disconnect');
  assert.equal(link.severity, 'info');
  assert.equal(ofKind(report, 'network-disconnect').length, 0);
  assert.equal(ofKind(report, 'device-offline').length, 0);
  assert.equal(report.findings.length, 2);
});

test('throttling.jsonl', () => {
  const report = diagnose('throttling.jsonl');
  const burst = only(report, 'throttling-burst');
  assert.equal(burst.count, 17);
  assert.deepEqual(burst.codes, [429001, 429002]);
  assert.deepEqual(burst.devices, ['camera-77', 'camera-78']);
  assert.deepEqual(burst.details.top_offenders[0], { device: 'camera-77', count: 14 });
  assert.equal(report.findings.length, 1);
});

test('azurediagnostics-export.csv', () => {
  const report = diagnose('azurediagnostics-export.csv');
  assert.deepEqual([report.summary.records_read, report.summary.records_skipped], [36, 0]);
  const drift = only(report, 'time-drift');
  assert.deepEqual([drift.devices, drift.count, drift.severity], [['gw-eu-07'], 11, 'error']);
  assert.equal(drift.first, '2024-05-14T01:13:18Z');
  const upload = only(report, 'file-upload-limit');
  assert.deepEqual([upload.devices, upload.count], [['logger-12'], 3]);
  const lock = only(report, 'c2d-lock-lost');
  assert.deepEqual(lock.devices, ['kiosk-5']);
  assert.deepEqual(lock.details.message_ids, ['c2d-7f3e9a']);
  assert.equal(lock.details.max_delivery_count, 3);
  assert.equal(ofKind(report, 'mass-disconnect').length, 0);
  assert.equal(ofKind(report, 'device-offline').length, 0);
  const serious = report.findings.filter((f) => f.severity !== 'info').map((f) => f.kind);
  assert.deepEqual(serious, ['time-drift', 'file-upload-limit', 'c2d-lock-lost']);
});

test('eventgrid-connection-state.json', () => {
  const report = diagnose('eventgrid-connection-state.json');
  assert.equal(report.summary.records_read, 6);
  assert.deepEqual(only(report, 'device-offline').devices, ['pump-22']);
  const outage = only(report, 'network-disconnect');
  assert.deepEqual(outage.devices, ['door-9']);
  assert.ok(outage.details.reconnect_minutes >= 4.9 && outage.details.reconnect_minutes <= 5.1);
  const renewal = only(report, 'sas-token-renewal');
  assert.deepEqual([renewal.devices, renewal.severity], [['thermo-0042'], 'info']);
  assert.equal(report.findings.length, 3);
});

test('fleet-site-outage.jsonl: per-device patterns come grouped', () => {
  const report = diagnose('fleet-site-outage.jsonl');
  assert.deepEqual([report.summary.records_read, report.summary.records_skipped], [27, 0]);
  const offline = only(report, 'device-offline');
  assert.deepEqual(offline.devices, ['shelf-01', 'shelf-02', 'shelf-03', 'shelf-04']);
  assert.deepEqual([offline.count, offline.severity], [4, 'error']);
  assert.equal(offline.title, '4 devices: disconnected between 2024-05-15T09:12:03Z and 2024-05-15T09:12:09Z and not back');
  assert.match(offline.explanation, /shelf-01, shelf-02, shelf-03 and shelf-04/);
  const network = only(report, 'network-disconnect');
  assert.deepEqual([network.devices, network.count, network.codes], [['dock-1', 'dock-2', 'dock-3'], 6, [404104]]);
  assert.deepEqual(network.details.top_offenders, [
    { device: 'dock-1', count: 3 },
    { device: 'dock-3', count: 2 },
    { device: 'dock-2', count: 1 },
  ]);
  assert.equal(network.title, '3 devices: 6 unexpected disconnects without token expiry; top offender dock-1 (3)');
  assert.match(network.actions[0], /^Start with dock-1:/);
  const link = only(report, 'link-conflict-side-effect');
  assert.deepEqual([link.devices, link.count, link.details.root_cause, link.severity], [['dock-1', 'dock-3'], 2, '404104', 'info']);
  assert.equal(report.findings.length, 3);
});

test('every finding explains itself, links the catalog and has a timeline', () => {
  for (const file of ['connections-sas-renewal.jsonl', 'mass-disconnect.eventhub.json', 'throttling.jsonl', 'azurediagnostics-export.csv', 'eventgrid-connection-state.json', 'fleet-site-outage.jsonl']) {
    for (const finding of diagnose(file).findings) {
      assert.ok(finding.explanation.length > 80 && finding.actions.length > 0, `${file}: ${finding.title}`);
      assert.ok(finding.first && finding.last && finding.timeline.length > 0);
      assert.equal(finding.entries.length, finding.codes.length);
      assert.ok(finding.evidence.length > 0);
      for (const event of finding.timeline) assert.equal(Date.parse(event.time), Math.floor(event.time_ms / 1000) * 1000);
    }
  }
});
