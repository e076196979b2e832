// Type declarations of the npm package iothub-errors. Hand-written to match the records the Rust core serializes
// (field names are the JSON names of the workspace README); `cargo xtask test wasm` fails on `any` here and runs
// a strict tsc over a usage file.

/** Longest query (UTF-8 bytes) that resolve, byName and search accept. */
export declare const MAX_QUERY_BYTES: 4096;
/** Longest text (UTF-16 code units) that scan, parseErrorBody and one Diagnoser.push accept (64 Mi). */
export declare const MAX_TEXT_LENGTH: number;

/** The HTTP-status class of a code: the meaning of its first three digits. */
export type ErrorClass =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'RequestTimeout'
  | 'Conflict'
  | 'PreconditionFailed'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'ClientClosedRequest'
  | 'InternalServerError'
  | 'BadGateway'
  | 'ServiceUnavailable'
  | 'GatewayTimeout';

/** Who has to act to resolve an error. */
export type Actor = 'device-code' | 'device-operator' | 'back-end-application' | 'hub-administrator' | 'azure';

/** How bad an error is for the fleet. */
export type Severity = 'info' | 'warning' | 'error' | 'critical';

/** Where an entry's code comes from: Microsoft's article, or only the SDKs. */
export type Source = 'article' | 'sdk';

/** What a caller should do about retrying. */
export type RetryAdvice =
  | { readonly kind: 'do-not-retry' }
  | { readonly kind: 'retry-now' }
  | { readonly kind: 'after-quota-reset' }
  | { readonly kind: 'reconnect-with-new-token' }
  | {
      readonly kind: 'backoff';
      /** First delay in milliseconds. */
      readonly initial_ms: number;
      /** Largest delay in milliseconds. */
      readonly max_ms: number;
      /** Random spread applied to each delay, in percent. */
      readonly jitter_percent: number;
    };

/** An Azure IoT SDK whose behaviour the catalog describes. */
export type SdkId =
  | 'csharp-service-v1'
  | 'csharp-service-v2'
  | 'java-service'
  | 'java-device'
  | 'node'
  | 'python-device'
  | 'c-device';

/** What one SDK does with an error by itself. */
export interface SdkView {
  readonly sdk: SdkId;
  /** True when the SDK's own code table lists this code. */
  readonly knows_code: boolean;
  /** The exception, error class or status the application sees. */
  readonly surfaces_as: string;
  /** Whether the SDK deems it transient; null where the SDK has no such notion. */
  readonly transient: boolean | null;
  /** What the SDK's default policy then does. */
  readonly policy: string;
}

/** One error of the catalog (a frozen object shared by every call that returns it). */
export interface Entry {
  /** The six-digit code; null for the article's two code-less rows. */
  readonly code: number | null;
  /** The canonical name, as the service spells it. */
  readonly name: string;
  /** Other spellings and SDK exception names that mean exactly this error. */
  readonly aliases: readonly string[];
  /** Other numbers resolving here (404102 → 404103). */
  readonly alias_codes: readonly number[];
  /** The article section, e.g. "4001xx Routing". */
  readonly family: string | null;
  readonly class: ErrorClass;
  /** Null when the error is only seen over AMQP/MQTT. */
  readonly http_status: number | null;
  readonly amqp_mqtt_only: boolean;
  /** Retrying the unchanged request can succeed. */
  readonly transient: boolean;
  readonly retry: RetryAdvice;
  readonly actor: Actor;
  readonly severity: Severity;
  readonly source: Source;
  /** One line saying what went wrong. */
  readonly summary: string;
  /** Likely causes, most likely first. */
  readonly causes: readonly string[];
  /** Fixes, in the order to try them. */
  readonly fixes: readonly string[];
  /** Codes worth reading next. */
  readonly related: readonly number[];
  /** Why a disputed fact was decided so. */
  readonly decision: string | null;
  readonly symptoms: readonly string[];
  /** How to tell the causes apart. */
  readonly diagnosis: readonly string[];
  readonly limits: readonly string[];
  /** Fragments of the service's own messages; `*` marks a variable part. */
  readonly messages: readonly string[];
  readonly sdk_views: readonly SdkView[];
  /** Microsoft documentation link. */
  readonly doc_url: string;
}

/** What to make of any code, listed or not. */
export interface Classification {
  readonly code: number | null;
  /** The catalog name when the code is listed. */
  readonly name: string | null;
  /** True when the catalog lists the code; false when judged by its class and family alone. */
  readonly known: boolean;
  readonly class: ErrorClass;
  readonly http_status: number | null;
  /** The article section title, when the code's prefix is known. */
  readonly family: string | null;
  readonly transient: boolean;
  readonly retry: RetryAdvice;
  readonly actor: Actor;
  readonly severity: Severity;
  readonly sdk_views: readonly SdkView[];
}

/** How resolve() matched its input. */
export type MatchKind = 'code' | 'alias-code' | 'unlisted-code' | 'name' | 'alias';

/** The answer of resolve(). */
export interface Resolution {
  readonly matched_by: MatchKind;
  /** The catalog entry; null for an unlisted (but well-formed) code. */
  readonly entry: Entry | null;
  readonly classification: Classification;
}

/** One search result. */
export interface SearchHit {
  readonly entry: Entry;
  /** Relevance; only the order is meaningful. */
  readonly score: number;
}

/** The service an error comes from. */
export type Service = 'IotHub' | 'Dps';

/** The kind of text a scan finding rests on. */
export type Evidence =
  | 'numeric-code'
  | 'error-code-name'
  | 'json-error-code'
  | 'sdk-exception'
  | 'amqp-condition'
  | 'mqtt-connack'
  | 'c-sdk-reason'
  | 'http-status'
  | 'service-message'
  | 'azure-monitor-field'
  | 'doc-link';

/** One error found in a text by scan(). */
export interface ScanFinding {
  /** The catalog code (alias codes give their entry's); an unlisted well-formed code as written; null otherwise. */
  code: number | null;
  /** The catalog name when the error is a catalog entry. */
  name: string | null;
  class: ErrorClass | null;
  service: Service;
  /** Index in the scanned string where the evidence starts. */
  start: number;
  /** Index just after the evidence: `text.slice(start, end)` is the evidence. */
  end: number;
  evidence: Evidence;
  /** From 0 to 1. */
  confidence: number;
  tracking_id: string | null;
  /** ISO 8601 UTC. */
  timestamp: string | null;
  device_id: string | null;
  message: string | null;
}

/** What an IoT Hub error body says. */
export interface ErrorBody {
  code: number | null;
  name: string | null;
  class: ErrorClass | null;
  message: string | null;
  tracking_id: string | null;
  /** ISO 8601 UTC when readable; as written otherwise. */
  timestamp: string | null;
  /** The raw JSON of the body's `info` member. */
  info: string | null;
  http_status: number | null;
}

/** The export shapes the log readers understand. */
export type LogFormat =
  | 'storage-json-lines'
  | 'event-hubs-records'
  | 'azure-diagnostics-csv'
  | 'log-analytics-json'
  | 'event-grid'
  | 'operations-monitoring';

/** Why part of a log could not be read. */
export type SkipReason =
  | 'not-json'
  | 'malformed-json'
  | 'not-an-object'
  | 'not-a-log-record'
  | 'too-large'
  | 'malformed-csv'
  | 'unknown-format';

/** A part of the input that could not be read as a record. */
export interface Skipped {
  /** 1-based line where it starts. */
  line: number;
  reason: SkipReason;
  /** Its first characters. */
  excerpt: string;
}

/** A key (category, operation, device, hour) and how often it occurred. */
export interface Count {
  key: string;
  count: number;
}

/** An error code and how often it occurred. */
export interface CodeCount {
  code: number;
  name: string | null;
  count: number;
}

/** Counts over the whole input. */
export interface Summary {
  records_read: number;
  records_skipped: number;
  /** Records seen twice (counted in records_read only). */
  duplicates: number;
  /** The first skipped parts (all are counted in records_skipped). */
  skipped: Skipped[];
  formats: LogFormat[];
  first: string | null;
  last: string | null;
  /** Distinct devices. */
  devices: number;
  /** Records that report an error. */
  errors: number;
  by_code: CodeCount[];
  by_category: Count[];
  by_operation: Count[];
  /** Records by hour (UTC), keys like "2024-05-14T09:00:00Z". */
  by_hour: Count[];
  /** Error records by device, most first (at most 1000 listed). */
  by_device: Count[];
  top_devices: Count[];
}

/** The patterns diagnosis looks for. */
export type FindingKind =
  | 'sas-token-renewal'
  | 'network-disconnect'
  | 'mass-disconnect'
  | 'link-conflict-side-effect'
  | 'duplicate-identity'
  | 'time-drift'
  | 'throttling-burst'
  | 'quota-exceeded'
  | 'file-upload-limit'
  | 'c2d-lock-lost'
  | 'c2d-queue-full'
  | 'device-offline'
  | 'device-not-online';

/** Where a record came from in the input. */
export interface RecordRef {
  /** 0-based input (file) number: see Diagnoser.nextInput(). */
  input: number;
  /** 1-based line on which the record starts. */
  line: number;
  /** 0-based index among all records read. */
  index: number;
}

/** A link to the catalog entry of a code involved in a finding. */
export interface EntryLink {
  code: number;
  name: string;
  doc_url: string;
}

/** One event on a finding's timeline. */
export interface TimelineEvent {
  /** ISO 8601 UTC. */
  time: string;
  /** Milliseconds since the Unix epoch. */
  time_ms: number;
  device: string;
  code: number | null;
}

/** A device and how many of a finding's events it caused. */
export interface Offender {
  device: string;
  count: number;
}

/** Facts specific to a kind of finding; null or empty where they do not apply. */
export interface Details {
  period_minutes: number | null;
  reconnect_minutes: number | null;
  root_cause: string | null;
  top_offenders: Offender[];
  message_ids: string[];
  max_delivery_count: number | null;
  ip_addresses: string[];
  sdk: string | null;
}

/** One pattern found in the logs. */
export interface FleetFinding {
  kind: FindingKind;
  severity: Severity;
  /** One line for a person. */
  title: string;
  /** Devices involved (empty for hub-wide findings). */
  devices: string[];
  codes: number[];
  first: string | null;
  last: string | null;
  /** Records that make up the finding. */
  count: number;
  evidence: RecordRef[];
  explanation: string;
  /** What to do, in order. */
  actions: string[];
  entries: EntryLink[];
  details: Details;
  /** Up to 200 events. */
  timeline: TimelineEvent[];
}

/** The result of a diagnosis. */
export interface Report {
  summary: Summary;
  /** Most severe first. */
  findings: FleetFinding[];
}

/** The core's error kinds, the same in every binding. */
export type ErrorKind =
  | 'empty-input'
  | 'input-too-long'
  | 'invalid-code'
  | 'unknown-code'
  | 'unknown-name'
  | 'not-an-error-body';

/** The fields of an IoT Hub error, by kind. */
export type ErrorDetail =
  | { readonly kind: 'empty-input' }
  | { readonly kind: 'input-too-long'; readonly len: number; readonly max: number }
  | { readonly kind: 'invalid-code'; readonly input: string; readonly reason: string }
  | { readonly kind: 'unknown-code'; readonly code: number }
  | { readonly kind: 'unknown-name'; readonly name: string }
  | { readonly kind: 'not-an-error-body'; readonly reason: string };

/** A well-typed input that names no error (unknown code or name, malformed code, empty input, not a body). */
export declare class IotHubError extends Error {
  private constructor();
  readonly name: 'IotHubError';
  readonly code: ErrorKind;
  readonly detail: ErrorDetail;
}

/** An argument of the wrong type. */
export declare class IotHubTypeError extends TypeError {
  private constructor();
  readonly name: 'IotHubTypeError';
  readonly code: 'invalid-argument-type';
}

/**
 * A number or length outside what a function accepts: `invalid-code` for a code that is NaN, negative,
 * fractional or above 4294967295; `input-too-long` for a text over the limit; `invalid-argument` otherwise.
 */
export declare class IotHubRangeError extends RangeError {
  private constructor();
  readonly name: 'IotHubRangeError';
  readonly code: 'invalid-code' | 'input-too-long' | 'invalid-argument';
}

/** A call before init(), or on a finished Diagnoser. */
export declare class IotHubStateError extends Error {
  private constructor();
  readonly name: 'IotHubStateError';
  readonly code: 'not-initialized' | 'diagnoser-finished';
}

/** What init() can load the WebAssembly module from. */
export type WasmSource = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module in browsers, workers and bundlers (by default the .wasm file beside the module).
 * In Node.js, importing the package already did it. Calling it again is free.
 */
export declare function init(source?: WasmSource | Promise<Response>): Promise<void>;
/** Instantiates the module synchronously from its bytes or a compiled module. */
export declare function initSync(source: BufferSource | WebAssembly.Module): void;
/** True once the module is instantiated. */
export declare function isInitialized(): boolean;

/** The catalog entry of a six-digit code (alias codes included). Throws IotHubError `unknown-code`/`invalid-code`. */
export declare function lookup(code: number): Entry;
/** The catalog entry with this name or alias, ignoring case. Throws IotHubError `unknown-name`/`empty-input`. */
export declare function byName(name: string): Entry;
/** Resolves a code, name or alias as people type it ("Error 401003", "aka.ms/iothub404103", ...). */
export declare function resolve(text: string): Resolution;
/** Ranked full-text search, best first. Throws IotHubError `empty-input` when no word is left to search. */
export declare function search(query: string): SearchHit[];
/** Classifies any well-formed six-digit code, listed or not. */
export declare function classify(code: number): Classification;
/** Every catalog entry, numbered codes ascending, then the code-less rows. */
export declare function catalog(): Entry[];
/** Every IoT Hub (and DPS) error found in a text, in order of position. */
export declare function scan(text: string): ScanFinding[];
/** Reads an IoT Hub error body in any shape. Throws IotHubError `not-an-error-body`. */
export declare function parseErrorBody(body: string, httpStatus?: number | null): ErrorBody;

/** Streaming fleet diagnosis over log exports of any shape, fed chunk by chunk. */
export declare class Diagnoser {
  constructor();
  /** Feeds the next chunk: text, or bytes of the export in any chunking. */
  push(chunk: string | ArrayBufferView | ArrayBuffer): void;
  /** Starts the next input (file): its format is detected anew. */
  nextInput(): void;
  /** Records read so far. */
  readonly recordsRead: number;
  /** Bytes (characters for string chunks) pushed so far. */
  readonly bytesPushed: number;
  /** Ends the input and returns the report; the diagnoser is then finished. */
  finish(): Report;
  /** Releases the diagnoser without a report. */
  free(): void;
}
