// Compiled by `tsc --strict --noEmit` in the consumer project: the package's types, as a user meets them.
import {
  lookup, byName, resolve, search, classify, catalog, scan, parseErrorBody, init, Diagnoser,
  IotHubError, IotHubRangeError, IotHubTypeError, IotHubStateError,
  type Entry, type Classification, type Resolution, type SearchHit, type ScanFinding, type ErrorBody, type Report,
  type RetryAdvice, type FindingKind, type ErrorKind, type Severity,
} from 'iothub-errors';

await init();

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
parseErrorBody('{"errorCode":404103}');

const diagnoser = new Diagnoser();
diagnoser.push('{"records":[]}');
diagnoser.push(new Uint8Array([10]));
diagnoser.nextInput();
const report: Report = diagnoser.finish();
const kinds: FindingKind[] = report.findings.map((f) => f.kind);
const worst: Severity | undefined = report.findings[0]?.severity;
const topDevice: string | undefined = report.summary.top_devices[0]?.key;
const period: number | null | undefined = report.findings[0]?.details.period_minutes;
// @ts-expect-error recordsRead is read-only
diagnoser.recordsRead = 3;

try {
  lookup(400999);
} catch (error) {
  if (error instanceof IotHubError) {
    const kind: ErrorKind = error.code;
    if (error.detail.kind === 'unknown-code') {
      const unknown: number = error.detail.code;
      void unknown;
    }
    void kind;
  } else if (error instanceof IotHubRangeError) {
    const rangeCode: 'invalid-code' | 'input-too-long' | 'invalid-argument' = error.code;
    void rangeCode;
  } else if (error instanceof IotHubTypeError || error instanceof IotHubStateError) {
    const message: string = error.message;
    void message;
  }
}

void [code, fixes, named, resolvedName, known, firstScore, all, body, kinds, worst, topDevice, period];
