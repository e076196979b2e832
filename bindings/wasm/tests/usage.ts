// Compiled by `tsc --strict --noEmit` in the consumer project: the package's types, as a user meets them.
import {
  lookup, byName, resolve, search, classify, catalog, scan, parseErrorBody, fromError, errorFacts, init, Diagnoser,
  IotHubError, IotHubRangeError, IotHubTypeError, IotHubStateError, IotHubLoadError,
  type Entry, type Classification, type Resolution, type SearchHit, type ScanFinding, type ErrorBody, type Report,
  type RetryAdvice, type FindingKind, type ErrorKind, type PackageErrorKind, type Severity, type Sdk, type Format,
  type ErrorDetail, type ErrorFacts,
} from 'iothub-errors';

try {
  await init();
} catch (error) {
  if (error instanceof IotHubLoadError) {
    const loadKind: 'not-wasm' | 'wasm-load-failed' = error.kind;
    const url: string | null = error.url;
    void [loadKind, url];
  }
}

const entry: Entry = lookup(401003);
const code: number | null = entry.code;
const fixes: readonly string[] = entry.fixes;
// @ts-expect-error entries are read-only
entry.name = 'x';
// @ts-expect-error codes are numbers
lookup('401003');

function delay(advice: RetryAdvice): number {
  switch (advice.kind) {
    case 'backoff':
      return advice.initial_ms;
    case 'retry-now':
      return 0;
    case 'do-not-retry':
    case 'after-quota-reset':
    case 'reconnect-with-new-token':
      return -1;
  }
}
delay(entry.retry);

const named: Entry = byName('DeviceNotFound');
const resolution: Resolution = resolve('aka.ms/iothub404103');
const resolvedName: string | undefined = resolution.entry?.name;
const classification: Classification = classify(403150);
const known: boolean = classification.known;
const hits: SearchHit[] = search('throttling');
const firstScore: number | undefined = hits[0]?.score;
const all: Entry[] = catalog();
const findings: ScanFinding[] = scan('error code 404001');
for (const finding of findings) {
  const evidence: string = 'error code 404001'.slice(finding.start, finding.end);
  void evidence;
  if (finding.service === 'Dps') void finding.message;
}
const body: ErrorBody = parseErrorBody('{"errorCode":404103}', 404);
try {
  throw new Error('ErrorCode:DeviceNotFound;gone');
} catch (error) {
  const found: ScanFinding | null = fromError(error);
  const likely: number | null | undefined = found?.code;
  const others: number[] | undefined = found?.alternatives.map((a) => a.code);
  const facts: ErrorFacts = errorFacts(error);
  const status: number | null | undefined = facts.http_status;
  // @ts-expect-error fromError may give null
  const sure: ScanFinding = fromError('x');
  void [likely, others, status, sure];
}
parseErrorBody('{"errorCode":404103}');

const diagnoser = new Diagnoser();
diagnoser.push('{"records":[]}');
diagnoser.push(new Uint8Array([10]));
diagnoser.nextInput();
const report: Report = diagnoser.finish();
const disposed: void = diagnoser[Symbol.dispose]();
const kinds: FindingKind[] = report.findings.map((f) => f.kind);
const worst: Severity | undefined = report.findings[0]?.severity;
const topDevice: string | undefined = report.summary.top_devices[0]?.key;
const period: number | null | undefined = report.findings[0]?.details.period_minutes;
// @ts-expect-error recordsRead is read-only
diagnoser.recordsRead = 3;
const formats: readonly Format[] = report.summary.formats;
const sdks: Sdk[] = entry.sdk_views.map((view) => view.sdk);
// @ts-expect-error records are read-only, report members too
report.summary.records_read = 0;
const detail: ErrorDetail | null = null;

try {
  lookup(400999);
} catch (error) {
  if (error instanceof IotHubRangeError) {
    const rangeKind: 'invalid-argument' = error.kind;
    void rangeKind;
  } else if (error instanceof IotHubTypeError || error instanceof IotHubStateError || error instanceof IotHubLoadError) {
    const message: string = error.message;
    const none: null = error.detail;
    void [message, none];
  } else if (error instanceof IotHubError) {
    const kind: ErrorKind | PackageErrorKind = error.kind;
    const alias: string = error.code;
    if (error.detail?.kind === 'unknown-code') {
      const unknown: number | undefined = error.detail.code;
      void unknown;
    }
    void [kind, alias];
  }
}

void [disposed, code, fixes, named, resolvedName, known, firstScore, all, body, kinds, worst, topDevice, period, formats, sdks, detail];
