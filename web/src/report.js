// The diagnosis report: findings with a timeline chart each (events over time, one row per device), then the
// summary tables. Built with DOM APIs only: device ids and messages from logs stay text.
import { el, svg, replace, count, bytes, kqlBlock } from './dom.js';

/** Devices drawn as their own row in a timeline; the rest share an "others" row. */
const MAX_ROWS = 12;
const CODE_COLORS = ['#c0392b', '#2471a3', '#d68910', '#7d3c98', '#138d75', '#5d6d7e', '#a04000', '#1f618d'];

/** Renders `report` into `target`. `linkOf` and `lookup` come from the page (deep links to catalog entries). */
export function renderReport(target, report, files, seconds, linkOf, lookup) {
  const s = report.summary;
  const worst = ['critical', 'error', 'warning', 'info'].find((level) => report.findings.some((f) => f.severity === level));
  replace(target,
    el('h3', {}, 'Diagnosis'),
    el('p', { class: 'lead', id: 'report-headline' },
      !report.recognised ? `No IoT Hub log records recognised in ${files.map((f) => f.name).join(', ')}` +
        (s.skipped.length ? ` (skipped as ${[...new Set(s.skipped.map((k) => k.reason))].join(', ')}).` : '.') :
      report.findings.length === 0 ? 'No pattern found.' :
      `${report.findings.length} ${report.findings.length === 1 ? 'finding' : 'findings'}, worst: `,
      worst ? el('span', { class: `badge ${worst}` }, worst) : null),
    el('p', { class: 'hint' },
      `${files.map((f) => `${f.name} (${bytes(f.size)})`).join(', ')}: ${count(s.records_read)} records`,
      s.records_skipped ? `, ${count(s.records_skipped)} parts skipped` : '',
      s.duplicates ? `, ${count(s.duplicates)} duplicates` : '',
      `, ${count(s.devices)} devices, ${count(s.errors)} errors`,
      s.first ? `, ${s.first} to ${s.last}` : '',
      ` — ${seconds.toFixed(2)} s.`),
    el('ol', { class: 'findings', id: 'findings' }, ...report.findings.map((finding, index) => findingCard(finding, index, linkOf, lookup))),
    summaryTables(s));
}

/**
 * The devices of a finding: one by name; several as their count, the top offenders (when some device had more
 * than one event) and the full list collapsed. A fleet finding can list thousands of devices, so the list is
 * only put into the page when it is opened.
 */
function devicesBlock(finding) {
  const devices = finding.devices;
  if (devices.length === 0) return null;
  if (devices.length === 1) return el('p', { class: 'devices' }, el('em', {}, 'Device: '), devices[0]);
  const top = finding.details.top_offenders;
  const list = el('p', { class: 'device-list' });
  const all = el('details', { class: 'devices' },
    el('summary', {}, el('em', {}, `${count(devices.length)} devices`), devices.length > 3 ? `: ${devices.slice(0, 3).join(', ')}, …` : `: ${devices.join(', ')}`),
    list);
  all.addEventListener('toggle', () => {
    if (all.open && !list.firstChild) list.append(devices.join(', '));
  });
  return el('div', { class: 'device-group', 'data-devices': devices.length },
    top.some((o) => o.count > 1)
      ? el('p', { class: 'offenders' }, el('em', {}, 'Top offenders: '), top.map((o) => `${o.device} (${count(o.count)})`).join(', '))
      : null,
    all);
}

function findingCard(finding, index, linkOf, lookup) {
  const details = finding.details;
  const facts = [
    details.period_minutes !== null ? `every ${details.period_minutes.toFixed(0)} min` : null,
    details.reconnect_minutes !== null ? `back after ${details.reconnect_minutes.toFixed(1)} min` : null,
    details.root_cause ? `root cause: ${details.root_cause}` : null,
    details.message_ids.length ? `messages: ${details.message_ids.join(', ')}` : null,
    details.max_delivery_count !== null ? `delivery count up to ${details.max_delivery_count}` : null,
    details.ip_addresses.length ? `IPs: ${details.ip_addresses.join(', ')}` : null,
    details.sdk ? `SDK: ${details.sdk}` : null,
  ].filter(Boolean);
  return el('li', { class: `finding-card ${finding.severity}`, 'data-kind': finding.kind },
    el('h4', {}, el('span', { class: `badge ${finding.severity}` }, finding.severity), ' ', finding.title),
    el('p', { class: 'hint' }, `${finding.kind} · ${count(finding.count)} records`, finding.first ? ` · ${finding.first} → ${finding.last}` : ''),
    devicesBlock(finding),
    facts.length ? el('p', { class: 'hint' }, facts.join(' · ')) : null,
    el('p', {}, finding.explanation),
    timeline(finding, index),
    finding.actions.length ? el('div', {}, el('h5', {}, 'What to do'), el('ol', {}, ...finding.actions.map((a) => el('li', {}, a)))) : null,
    finding.entries.length ? el('p', { class: 'codes' }, 'Codes: ', ...finding.entries.flatMap((link, i) => {
      let href = `#${link.code}`;
      try {
        href = linkOf(lookup(link.code));
      } catch {
        // An unlisted code: its deep link shows the classification.
      }
      return [i ? ', ' : '', el('a', { href }, `${link.code} ${link.name}`)];
    })) : null,
    finding.evidence.length ? el('p', { class: 'hint' }, 'Evidence: ', finding.evidence.slice(0, 6).map((r) => `${r.input ? `file ${r.input + 1} ` : ''}line ${r.line}`).join(', ')) : null,
    kqlBlock('KQL: these records in your Log Analytics workspace', finding.kql.records),
    finding.kql.pattern ? kqlBlock('KQL: the pattern over time', finding.kql.pattern) : null);
}

/** An SVG chart: time on x, one row per device, a dot per event coloured by code. */
function timeline(finding, index) {
  const events = finding.timeline;
  if (events.length === 0) return null;
  const byDevice = new Map();
  for (const event of events) byDevice.set(event.device, (byDevice.get(event.device) ?? 0) + 1);
  const ranked = [...byDevice.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([device]) => device);
  const rows = ranked.slice(0, MAX_ROWS);
  const others = ranked.length > MAX_ROWS;
  const rowOf = (device) => {
    const at = rows.indexOf(device);
    return at >= 0 ? at : rows.length;
  };
  const codes = [...new Set(events.map((e) => e.code))];
  const colorOf = (code) => CODE_COLORS[codes.indexOf(code) % CODE_COLORS.length];
  const t0 = Math.min(...events.map((e) => e.time_ms));
  const t1 = Math.max(...events.map((e) => e.time_ms));
  const span = Math.max(t1 - t0, 1000);
  const left = 130;
  const width = 640;
  const rowHeight = 18;
  const height = (rows.length + (others ? 1 : 0)) * rowHeight + 34;
  const x = (t) => left + ((t - t0) / span) * (width - left - 12);
  const chart = svg('svg', {
    class: 'timeline', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': `timeline-title-${index}`,
  }, svg('title', { id: `timeline-title-${index}` }, `Timeline of ${events.length} events by device from ${events[0].time} to ${events[events.length - 1].time}`));
  [...rows, ...(others ? ['others'] : [])].forEach((device, row) => {
    const y = 10 + row * rowHeight;
    chart.append(
      svg('line', { x1: left, x2: width - 8, y1: y + 6, y2: y + 6, class: 'grid' }),
      svg('text', { x: left - 6, y: y + 10, 'text-anchor': 'end', class: 'label' }, device.length > 18 ? `${device.slice(0, 17)}…` : device));
  });
  for (const event of events) {
    const y = 16 + rowOf(event.device) * rowHeight;
    chart.append(svg('circle', { cx: x(event.time_ms).toFixed(1), cy: y, r: 4, fill: colorOf(event.code) },
      svg('title', {}, `${event.time} ${event.device}${event.code === null ? '' : ` ${event.code}`}`)));
  }
  const axisY = height - 8;
  chart.append(
    svg('text', { x: left, y: axisY, class: 'axis' }, events[0].time.replace('T', ' ').replace('Z', ' UTC')),
    svg('text', { x: width - 8, y: axisY, 'text-anchor': 'end', class: 'axis' }, shortSpan(span)));
  const legend = el('p', { class: 'legend' }, ...codes.map((code) => el('span', {},
    el('span', { class: 'swatch', style: `background:${colorOf(code)}` }), code === null ? 'no code' : String(code))));
  return el('figure', { class: 'chart' }, chart, legend);
}

function shortSpan(ms) {
  if (ms < 120000) return `${Math.round(ms / 1000)} s shown`;
  if (ms < 7200000) return `${Math.round(ms / 60000)} min shown`;
  return `${(ms / 3600000).toFixed(1)} h shown`;
}

function summaryTables(s) {
  const table = (caption, headers, rows) => rows.length === 0 ? null :
    el('div', { class: 'scroll' }, el('table', { class: 'summary' },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c, i) => el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}, c)))))));
  return el('div', { class: 'tables', id: 'summary' },
    el('h3', {}, 'Summary'),
    el('p', { class: 'hint' }, `Formats: ${s.formats.join(', ') || 'none recognised'}.`),
    table('Errors by code', ['Code', 'Name', 'Records'], s.by_code.map((c) => [String(c.code), c.name ?? 'not in the catalog', count(c.count)])),
    table('Devices with the most errors', ['Device', 'Errors'], s.top_devices.map((c) => [c.key, count(c.count)])),
    table('Records by category', ['Category', 'Records'], s.by_category.map((c) => [c.key, count(c.count)])),
    table('Records by operation', ['Operation', 'Records'], s.by_operation.map((c) => [c.key, count(c.count)])),
    table('Records by hour (UTC)', ['Hour', 'Records', 'Errors'], s.by_hour.map((c, i) => [c.key, count(c.count), count(s.errors_by_hour[i]?.count ?? 0)])),
    table('Skipped input', ['Line', 'Reason', 'Starts with'], s.skipped.map((k) => [String(k.line), k.reason, k.excerpt])));
}
