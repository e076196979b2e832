// Type declarations of the npm package iothub-errors (its full entry): its functions and classes. What it shares
// with the catalog-only entry (error classes, loading, catalog functions) is declared once, in catalog.d.ts, and
// re-exported here. The records they return are generated from the core's JSON Schema into types.d.ts (`cargo
// xtask codegen`); `cargo xtask test wasm` fails on `any` in these files and runs a strict tsc over usage files.

import type { ErrorBody, ErrorFacts, Report, ScanFinding } from './types.js';

export type * from './types.js';
export * from './catalog.js';

/** Longest text (UTF-16 code units) that scan, parseErrorBody and one Diagnoser.push accept (64 Mi). */
export declare const MAX_TEXT_LENGTH: number;

/** Every IoT Hub (and DPS) error found in a text, in order of position. */
export declare function scan(text: string): ScanFinding[];
/** Reads an IoT Hub error body in any shape. Throws IotHubError `not-an-error-body`. */
export declare function parseErrorBody(body: string, httpStatus?: number | null): ErrorBody;

/**
 * The IoT Hub (or DPS) error that an error thrown by an Azure IoT SDK (or anything else caught) stands for, or
 * null when nothing it carries names or implies one. The object is only read (see errorFacts); the core decides:
 * an explicit code in a body or header wins, else the most likely code from the class, HTTP status, AMQP
 * condition or CONNACK refusal, with `alternatives` and `basis`. A string is read as a message; null gives null.
 * Never throws for any value once the module is initialized (before init(), an IotHubStateError).
 * `start`/`end` index the facts' text, not anything the caller holds.
 */
export declare function fromError(error: unknown): ScanFinding | null;
/**
 * The facts fromError reads off an error object, property by property along its causes (`cause`,
 * `transportError`, `innerError`, `amqpError`): class names and messages, HTTP status, `iothub-errorcode`
 * header, body, AMQP condition and description, CONNACK return code, tracking id, stack frames. Never throws.
 */
export declare function errorFacts(error: unknown): ErrorFacts;

/** Streaming fleet diagnosis over log exports of any shape, fed chunk by chunk. */
export declare class Diagnoser {
  constructor();
  /** Feeds the next chunk: text, or bytes of the export in any chunking. */
  push(chunk: string | ArrayBufferView | ArrayBuffer): void;
  /** Starts the next input (file): its format is detected anew. */
  nextInput(): void;
  /** Records read so far; after finish() or free(), the count it ended with. */
  readonly recordsRead: number;
  /** Bytes (characters for string chunks) pushed so far. */
  readonly bytesPushed: number;
  /** Ends the input and returns the report; the diagnoser is then finished. */
  finish(): Report;
  /** Releases the diagnoser without a report; calling it again, or after finish(), does nothing. */
  free(): void;
  /** The same as free(), for `using diagnoser = new Diagnoser()` (TypeScript 5.2+, runtimes with Symbol.dispose). */
  [Symbol.dispose](): void;
}

declare global {
  // Symbol.dispose as lib.esnext.disposable and @types/node declare it, so these types compile without either.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
