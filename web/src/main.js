// The portal: search as you type, entry pages with deep links (#401003), "paste anything", and log diagnosis in a
// worker. All text goes into the page through text nodes (dom.js), never as HTML. Search and entries come from the
// catalog-only entry of the package, so the first view downloads no scanner or diagnosis; the full module is
// imported on the first paste, and the diagnosis worker loads it on the first file.
import { init, search, resolve, lookup, byName, catalog, classify } from 'iothub-errors/catalog';
import { el, replace, count, bytes, kqlBlock } from './dom.js';
import { renderReport } from './report.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const input = $('search');
const results = $('results');
const entryView = $('entry');
const paste = $('paste');
const files = $('files');

/** Results shown at most. */
const MAX_RESULTS = 25;

const ACTORS = {
  'device-code': 'the device code (SDK use, retries, handlers)',
  'device-operator': 'whoever runs the device in the field',
  'back-end-application': 'the back-end application calling the service APIs',
  'hub-administrator': 'the hub administrator',
  azure: 'Microsoft (a fault inside the service)',
};

function retryText(retry) {
  switch (retry.kind) {
    case 'do-not-retry':
      return 'Do not retry: the same request fails until the cause is fixed.';
    case 'retry-now':
      return 'Retry at once: this condition clears immediately.';
    case 'after-quota-reset':
      return 'Retry after the daily quota resets at 00:00 UTC, or add units to the hub now.';
    case 'reconnect-with-new-token':
      return 'Reconnect with a newly generated SAS token or credential.';
    case 'backoff':
      return `Retry with exponential backoff: start at ${ms(retry.initial_ms)}, double up to ${ms(retry.max_ms)}, with ±${retry.jitter_percent}% jitter.`;
    default:
      return retry.kind;
  }
}

function ms(value) {
  if (value >= 60000 && value % 60000 === 0) return `${value / 60000} min`;
  if (value >= 1000 && value % 1000 === 0) return `${value / 1000} s`;
  return `${value} ms`;
}

/** The deep link of an entry: its code, or its name for the code-less rows. */
function linkOf(entry) {
  return `#${entry.code ?? entry.name}`;
}

function label(entry) {
  return entry.code === null ? entry.name : `${entry.code} ${entry.name}`;
}

// ---- search as you type ----

function showResults() {
  const query = input.value.trim();
  let hits = [];
  if (query === '') {
    hits = catalog().slice(0, MAX_RESULTS).map((entry) => ({ entry }));
  } else {
    const seen = new Set();
    try {
      const resolution = resolve(query);
      if (resolution.entry) hits.push({ entry: resolution.entry, exact: true });
      else hits.push({ classification: resolution.classification });
    } catch {
      // Not a code or a name: the word search below answers.
    }
    try {
      for (const hit of search(query)) hits.push(hit);
    } catch {
      // Over 4096 bytes: no word search (anything shorter answers, with no hits when nothing is left to rank by).
    }
    hits = hits.filter((hit) => {
      const key = hit.entry ? linkOf(hit.entry) : `unlisted${hit.classification.code}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const shown = hits.slice(0, MAX_RESULTS);
  replace(results, ...shown.map(resultItem));
  $('result-count').textContent =
    query === '' ? `${count(catalog().length)} errors in the catalog; the first ${shown.length} are listed.` :
    hits.length === 0 ? 'No error matches.' :
    `${hits.length} ${hits.length === 1 ? 'match' : 'matches'}${hits.length > shown.length ? `, best ${shown.length} shown` : ''}.`;
}

function resultItem(hit) {
  if (hit.classification) {
    const c = hit.classification;
    return el('li', {}, el('a', { href: `#${c.code}`, class: 'result' },
      el('span', { class: 'code' }, String(c.code)), ' ',
      el('span', { class: 'name' }, 'Unlisted code'), ' ',
      el('span', { class: 'summary' }, `${c.class}; ${c.transient ? 'transient' : 'not transient'}. Judged by its class${c.family ? ` and family ${c.family}` : ''}.`)));
  }
  const entry = hit.entry;
  return el('li', {}, el('a', { href: linkOf(entry), class: 'result' },
    el('span', { class: 'code' }, entry.code === null ? '—' : String(entry.code)), ' ',
    el('span', { class: 'name' }, entry.name), ' ',
    el('span', { class: `badge ${entry.severity}` }, entry.severity), ' ',
    el('span', { class: 'summary' }, entry.summary)));
}

function onSearchKey(event) {
  const links = [...results.querySelectorAll('a')];
  if (event.key === 'ArrowDown' && links.length > 0) {
    event.preventDefault();
    links[0].focus();
  } else if (event.key === 'Enter' && links.length > 0) {
    event.preventDefault();
    location.hash = links[0].getAttribute('href');
  }
}

function onResultsKey(event) {
  const links = [...results.querySelectorAll('a')];
  const at = links.indexOf(document.activeElement);
  if (at < 0) return;
  if (event.key === 'ArrowDown' && at + 1 < links.length) {
    event.preventDefault();
    links[at + 1].focus();
  } else if (event.key === 'ArrowUp') {
    event.preventDefault();
    (at === 0 ? input : links[at - 1]).focus();
  } else if (event.key === 'Escape') {
    input.focus();
  }
}

// ---- entry view (#401003, #DeviceNotOnline) ----

function section(title, items, ordered = false) {
  if (!items || items.length === 0) return null;
  return el('div', { class: 'part' }, el('h3', {}, title), el(ordered ? 'ol' : 'ul', {}, ...items.map((text) => el('li', {}, text))));
}

function showEntry(key) {
  let entry = null;
  let classification = null;
  try {
    if (/^\d+$/.test(key)) {
      try {
        entry = lookup(Number(key));
      } catch (error) {
        if (error.code !== 'unknown-code') throw error;
        classification = classify(Number(key));
      }
    } else {
      entry = byName(key);
    }
  } catch (error) {
    replace(entryView, el('h2', {}, `Nothing is listed under “${key}”`), el('p', {}, error.message));
    entryView.hidden = false;
    return;
  }
  if (classification) {
    replace(entryView,
      el('h2', {}, `${classification.code}: not in the catalog`),
      el('p', { class: 'lead' }, `A well-formed ${classification.class} code (HTTP ${classification.http_status}) that the catalog does not list; judged by its class${classification.family ? ` and its family “${classification.family}”` : ''}.`),
      facts(classification),
      sdkTable(classification.sdk_views));
  } else {
    replace(entryView,
      el('p', { class: 'crumbs' }, entry.family ?? 'No article section', ' · ', entry.class, entry.http_status === null ? ' · AMQP/MQTT only' : ` · HTTP ${entry.http_status}`),
      el('h2', {}, label(entry)),
      entry.aliases.length ? el('p', { class: 'hint' }, 'Also known as ', entry.aliases.join(', ')) : null,
      el('p', { class: 'lead summary-text' }, entry.summary),
      facts(entry),
      section('Symptoms', entry.symptoms),
      section('Causes', entry.causes),
      section('How to tell the causes apart', entry.diagnosis),
      section('Fixes, in order', entry.fixes, true),
      section('Limits', entry.limits),
      section('What the service says', entry.messages),
      entry.decision ? el('div', { class: 'part' }, el('h3', {}, 'Why we say so'), el('p', {}, entry.decision)) : null,
      sdkTable(entry.sdk_views),
      entry.related.length ? el('div', { class: 'part' }, el('h3', {}, 'Related'),
        el('ul', { class: 'related' }, ...entry.related.map((code) => {
          const related = lookup(code);
          return el('li', {}, el('a', { href: linkOf(related) }, label(related)));
        }))) : null,
      el('div', { class: 'part' }, el('h3', {}, 'Find it in your logs'),
        kqlBlock('KQL: occurrences over the last 24 hours', entry.kql.occurrences),
        entry.kql.causes ? kqlBlock('KQL: which cause it is', entry.kql.causes) : null),
      el('p', {}, el('a', { href: entry.doc_url, rel: 'noopener', target: '_blank' }, 'Microsoft documentation ↗')));
  }
  entryView.hidden = false;
  document.title = `${entry ? label(entry) : classification.code} · IoT Hub error codes`;
}

function facts(record) {
  return el('dl', { class: 'facts' },
    el('dt', {}, 'Retry'), el('dd', { class: 'retry' }, `${record.transient ? 'Transient. ' : 'Not transient. '}${retryText(record.retry)}`),
    el('dt', {}, 'Who acts'), el('dd', { class: 'actor' }, ACTORS[record.actor] ?? record.actor),
    el('dt', {}, 'Severity'), el('dd', {}, el('span', { class: `badge ${record.severity}` }, record.severity)));
}

function sdkTable(views) {
  return el('div', { class: 'part' }, el('h3', {}, 'What each SDK does by itself'),
    el('div', { class: 'scroll' }, el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'SDK'), el('th', { scope: 'col' }, 'Surfaces as'), el('th', { scope: 'col' }, 'Transient'), el('th', { scope: 'col' }, 'Policy'))),
      el('tbody', {}, ...views.map((view) => el('tr', {},
        el('th', { scope: 'row' }, view.sdk), el('td', {}, view.surfaces_as),
        el('td', {}, view.transient === null ? '—' : view.transient ? 'yes' : 'no'), el('td', {}, view.policy)))))));
}

function onHash() {
  const key = decodeURIComponent(location.hash.slice(1));
  if (key === '' || key.endsWith('-section') || key === 'main' || key === 'entry') {
    if (key === '') entryView.hidden = true;
    return;
  }
  showEntry(key);
  entryView.focus();
  entryView.scrollIntoView({ block: 'start' });
}

// ---- paste anything ----

/** The full package (for scan) once imported and initialized, and its loading while it is under way. */
let full = null;
let fullLoading = null;

/**
 * Imports the full package on first use (a chunk and its module, fetched then) and tells the service worker to
 * keep the files of the paste and diagnosis parts for offline use. A failed load is tried again next time.
 */
function loadFullPackage() {
  fullLoading ??= import('iothub-errors').then(
    async (loaded) => {
      await loaded.init();
      full = loaded;
      keepOnDemandFilesOffline();
    },
    (error) => {
      fullLoading = null;
      throw error;
    },
  );
  return fullLoading;
}

/** Asks the service worker to cache the paste and diagnosis files now that they are used (see public/sw.js). */
function keepOnDemandFilesOffline() {
  navigator.serviceWorker?.controller?.postMessage({ type: 'cache-on-demand' });
}

/** Counts the pastes, so that a scan that waited for the package does not overwrite a newer paste's. */
let pasteSeq = 0;

async function showScan() {
  const seq = ++pasteSeq;
  const text = paste.value;
  const highlighted = $('highlighted');
  const explanations = $('explanations');
  if (text.trim() === '') {
    highlighted.hidden = true;
    replace(explanations);
    $('paste-count').textContent = '';
    return;
  }
  if (full === null) {
    $('paste-count').textContent = 'Loading the scanner…';
    try {
      await loadFullPackage();
    } catch (error) {
      if (seq === pasteSeq) $('paste-count').textContent = `The scanner could not be loaded: ${error.message}`;
      return;
    }
    if (seq !== pasteSeq) return;
  }
  let findings;
  try {
    findings = full.scan(text);
  } catch (error) {
    $('paste-count').textContent = error.message;
    return;
  }
  const parts = [];
  let at = 0;
  findings.forEach((finding, index) => {
    const start = Math.max(finding.start, at);
    if (finding.end <= start) return;
    parts.push(text.slice(at, start));
    parts.push(el('mark', { 'data-finding': index + 1, title: `Finding ${index + 1}` }, el('sup', {}, String(index + 1)), text.slice(start, finding.end)));
    at = finding.end;
  });
  parts.push(text.slice(at));
  replace(highlighted, ...parts);
  highlighted.hidden = false;
  const coded = findings.filter((finding) => finding.code !== null).length;
  $('paste-count').textContent =
    findings.length === 0 ? 'No IoT Hub error found in this text.' :
    `${findings.length} ${findings.length === 1 ? 'error' : 'errors'} found${coded === 0 ? ', none with an IoT Hub code' : coded < findings.length ? `, ${findings.length - coded} without an IoT Hub code` : ''}.`;
  replace(explanations, ...findings.map(explainFinding));
}

/** What each kind of evidence is, in words. */
const EVIDENCE = {
  'numeric-code': 'a code written in the text',
  'error-code-name': 'an error name written in the text',
  'json-error-code': 'the errorCode of a JSON error body',
  'sdk-exception': 'an SDK exception class',
  'amqp-condition': 'an AMQP error condition',
  'mqtt-connack': 'an MQTT CONNACK refusal',
  'c-sdk-reason': 'a C SDK connection reason',
  'http-status': 'an HTTP status',
  'service-message': 'a service message',
  'azure-monitor-field': 'an Azure Monitor field',
  'doc-link': 'a documentation link',
};

/** From this confidence on, the code is taken as written in the text rather than inferred (see ScanFinding). */
const STATED = 0.85;

function percent(confidence) {
  return `${Math.round(confidence * 100)} %`;
}

/** A confidence in words: how the portal says how sure the scanner is. */
function confidenceWord(confidence) {
  if (confidence >= STATED) return 'stated in the text';
  if (confidence >= 0.6) return 'likely';
  if (confidence >= 0.35) return 'possible';
  return 'less likely';
}

function confidenceClass(confidence) {
  return confidenceWord(confidence).replaceAll(' ', '-');
}

/** The confidence line of a finding: the words, the number, and a meter for the eye. */
function confidenceLine(finding) {
  const c = finding.confidence;
  const word = confidenceWord(c);
  return el('p', { class: 'confidence' },
    el('span', { class: 'label' }, 'Confidence: '),
    el('span', { class: `confidence-word ${confidenceClass(c)}` }, word), ' ',
    el('span', { class: 'confidence-number' }, `(${percent(c)})`), ' ',
    el('meter', { min: 0, max: 1, value: c, 'aria-hidden': 'true' }),
    el('span', { class: 'hint' }, ` from ${EVIDENCE[finding.evidence] ?? finding.evidence.replaceAll('-', ' ')}`));
}

let alternativesSeq = 0;

/** The other codes the same evidence can mean, each a link to its entry with its confidence. */
function alternativesList(alternatives) {
  if (alternatives.length === 0) return null;
  const id = `alternatives-${++alternativesSeq}`;
  return el('div', { class: 'alternatives' },
    el('span', { id, class: 'label' }, 'It could also be:'),
    el('ul', { 'aria-labelledby': id }, ...alternatives.map((alt) => el('li', { 'data-code': alt.code },
      el('a', { href: `#${alt.code}` }, alt.name ? `${alt.code} ${alt.name}` : `${alt.code} (not in the catalog)`), ' ',
      el('span', { class: 'hint' }, `${confidenceWord(alt.confidence)} (${percent(alt.confidence)})`)))));
}

/** Tracking id, gateway, device and time, when the text gives them. */
function contextFacts(finding) {
  const rows = [];
  if (finding.tracking_id) rows.push(['Tracking id', el('code', { class: 'tracking-id' }, finding.tracking_id)]);
  if (finding.gateway) rows.push(['Gateway', el('span', { class: 'gateway' }, finding.gateway)]);
  if (finding.device_id) rows.push(['Device', el('code', { class: 'device-id' }, finding.device_id)]);
  if (finding.timestamp) rows.push(['Time', el('time', { class: 'timestamp', datetime: finding.timestamp }, finding.timestamp)]);
  if (rows.length === 0) return null;
  return el('dl', { class: 'facts context' }, ...rows.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

function basisLine(finding) {
  return finding.basis ? el('p', { class: 'basis' }, el('em', {}, 'Why: '), finding.basis) : null;
}

function explainFinding(finding, index) {
  const titleId = `finding-${index + 1}-title`;
  const item = (kind, title, ...rest) => el('li', {
    class: `finding ${kind}`, 'data-finding': index + 1, 'data-service': finding.service,
    'data-code': finding.code ?? 'none', 'aria-labelledby': titleId,
  }, el('p', { class: 'finding-title' }, el('strong', { id: titleId }, title)), ...rest);
  if (finding.service === 'Dps') {
    return item('dps', 'Device Provisioning Service error',
      el('p', { class: 'dps-note' }, 'This is a Device Provisioning Service (DPS) error, not an IoT Hub error: DPS has its own codes, so no IoT Hub entry applies.'),
      basisLine(finding),
      finding.message ? el('p', { class: 'hint' }, 'Message: ', finding.message) : null,
      contextFacts(finding));
  }
  if (finding.code === null) {
    return item('no-code', finding.class ? `No IoT Hub code (an error of class ${finding.class})` : 'No IoT Hub code',
      basisLine(finding),
      finding.message ? el('p', { class: 'hint' }, 'Message: ', finding.message) : null,
      contextFacts(finding));
  }
  let entry = null;
  try {
    entry = lookup(finding.code);
  } catch {
    entry = null;
  }
  const heading = entry ? el('a', { href: linkOf(entry) }, label(entry)) :
    el('a', { href: `#${finding.code}` }, `${finding.code} (not in the catalog)`);
  return item('coded', heading,
    confidenceLine(finding),
    entry ? el('p', { class: 'summary-text' }, entry.summary) : null,
    basisLine(finding),
    alternativesList(finding.alternatives),
    entry ? el('p', {}, el('em', {}, 'First fix: '), entry.fixes[0] ?? '—') : null,
    entry ? el('p', {}, el('em', {}, 'Retry: '), retryText(entry.retry)) : null,
    finding.message ? el('p', { class: 'hint' }, 'Message: ', finding.message) : null,
    contextFacts(finding));
}

// ---- log diagnosis in a worker ----

let worker = null;

function diagnose(list) {
  const chosen = [...list];
  if (chosen.length === 0) return;
  if (worker) worker.terminate();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  keepOnDemandFilesOffline();
  const box = $('progress-box');
  const bar = $('progress');
  const text = $('progress-text');
  box.hidden = false;
  bar.value = 0;
  text.textContent = `Reading ${chosen.map((f) => f.name).join(', ')}…`;
  replace($('report'));
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === 'progress') {
      bar.value = message.total === 0 ? 1 : message.done / message.total;
      text.textContent = `${bytes(message.done)} of ${bytes(message.total)} read, ${count(message.records)} records${message.file ? ` (${message.file})` : ''}`;
    } else if (message.type === 'done') {
      box.hidden = true;
      renderReport($('report'), message.report, message.files, message.seconds, linkOf, lookup);
      worker.terminate();
      worker = null;
    } else if (message.type === 'cancelled') {
      box.hidden = true;
      replace($('report'), el('p', {}, 'Diagnosis cancelled.'));
    } else if (message.type === 'error') {
      box.hidden = true;
      replace($('report'), el('p', { class: 'failure' }, `The diagnosis failed: ${message.message}`));
    }
  };
  worker.postMessage({ type: 'diagnose', files: chosen });
}

function setUpDrop() {
  const drop = $('drop');
  files.addEventListener('change', () => diagnose(files.files));
  $('cancel').addEventListener('click', () => worker?.postMessage({ type: 'cancel' }));
  for (const name of ['dragenter', 'dragover']) {
    drop.addEventListener(name, (event) => {
      event.preventDefault();
      drop.classList.add('over');
    });
  }
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    diagnose(event.dataTransfer.files);
  });
}

// ---- start ----

async function start() {
  try {
    await init();
  } catch (error) {
    status.textContent = `The catalog could not be loaded: ${error.message}`;
    return;
  }
  input.disabled = false;
  paste.disabled = false;
  files.disabled = false;
  input.addEventListener('input', showResults);
  input.addEventListener('keydown', onSearchKey);
  results.addEventListener('keydown', onResultsKey);
  paste.addEventListener('input', showScan);
  setUpDrop();
  window.addEventListener('hashchange', onHash);
  showResults();
  onHash();
  status.textContent = `Ready: ${count(catalog().length)} errors. Works offline once loaded.`;
  document.body.dataset.ready = 'true';
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    navigator.serviceWorker.register('./sw.js').catch(() => {
      status.textContent += ' (Offline use is unavailable in this browser.)';
    });
  }
}

start();
