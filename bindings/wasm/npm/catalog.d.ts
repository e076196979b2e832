// Type declarations of iothub-errors/catalog, the catalog-only entry, and of everything the full entry shares with
// it: the error classes, loading, and the catalog functions (index.d.ts re-exports this file, so each is declared
// once). The records are generated from the core's JSON Schema into types.d.ts (`cargo xtask codegen`); `cargo
// xtask test wasm` fails on `any` in these files and runs a strict tsc over usage files of both entries.

import type { Classification, Entry, ErrorDetail, ErrorKind, Resolution, SearchHit } from './types.js';

export type * from './types.js';

/** Longest query (UTF-8 bytes) that resolve, byName and search accept; longer ones are `input-too-long`. */
export declare const MAX_QUERY_BYTES: 4096;

/**
 * The kinds of the package's own errors: arguments JavaScript can pass but no core type can hold, state, and
 * loading the WebAssembly module.
 */
export type PackageErrorKind =
  | 'invalid-argument-type'
  | 'invalid-argument'
  | 'not-initialized'
  | 'diagnoser-finished'
  | 'not-wasm'
  | 'wasm-load-failed';

/**
 * Every error the package throws (one `instanceof` catches them all). `kind` is a core `ErrorKind` (a
 * well-typed input that names no error: unknown or malformed code, unknown name, empty or too long input, not
 * an error body) or a `PackageErrorKind` (thrown as the subclasses below).
 */
export declare class IotHubError extends Error {
  protected constructor();
  readonly name: 'IotHubError' | 'IotHubTypeError' | 'IotHubRangeError' | 'IotHubStateError' | 'IotHubLoadError';
  readonly kind: ErrorKind | PackageErrorKind;
  /** The same as `kind` (the name of earlier versions). */
  readonly code: ErrorKind | PackageErrorKind;
  /** The core's error (kind, message and the kind's fields) for a core kind; null for the package's own kinds. */
  readonly detail: ErrorDetail | null;
}

/** An argument of the wrong type. */
export declare class IotHubTypeError extends IotHubError {
  readonly name: 'IotHubTypeError';
  readonly kind: 'invalid-argument-type';
  readonly code: 'invalid-argument-type';
  readonly detail: null;
}

/** A number outside what a function accepts, other than a code: an httpStatus that is not from 0 to 65535. */
export declare class IotHubRangeError extends IotHubError {
  readonly name: 'IotHubRangeError';
  readonly kind: 'invalid-argument';
  readonly code: 'invalid-argument';
  readonly detail: null;
}

/** A call before init(), or on a finished Diagnoser. */
export declare class IotHubStateError extends IotHubError {
  readonly name: 'IotHubStateError';
  readonly kind: 'not-initialized' | 'diagnoser-finished';
  readonly code: 'not-initialized' | 'diagnoser-finished';
  readonly detail: null;
}

/**
 * init() or initSync() could not load the WebAssembly module. `not-wasm`: what was fetched or given does not start
 * with the WebAssembly magic bytes (a dev server's HTML page, typically; the message names the fix). `wasm-load-failed`:
 * the fetch failed or gave an HTTP error, or the module did not compile or link (`cause` holds the original error).
 */
export declare class IotHubLoadError extends IotHubError {
  readonly name: 'IotHubLoadError';
  readonly kind: 'not-wasm' | 'wasm-load-failed';
  readonly code: 'not-wasm' | 'wasm-load-failed';
  readonly detail: null;
  /** The address fetched, when the module came from one; null for bytes. */
  readonly url: string | null;
}

/** What init() can load the WebAssembly module from. */
export type WasmSource = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module in browsers, workers and bundlers (by default the .wasm file beside the module).
 * In Node.js, importing the package already did it. Calling it again is free. Rejects with an IotHubLoadError
 * when the module cannot be loaded (`not-wasm` for a web page where the .wasm was expected).
 */
export declare function init(source?: WasmSource | Promise<Response>): Promise<void>;
/** Instantiates the module synchronously from its bytes or a compiled module; throws IotHubLoadError as init(). */
export declare function initSync(source: BufferSource | WebAssembly.Module): void;
/** True once the module is instantiated. */
export declare function isInitialized(): boolean;

/** The catalog entry of a six-digit code (alias codes included). Throws IotHubError `unknown-code`/`invalid-code`. */
export declare function lookup(code: number): Entry;
/** The catalog entry with this name or alias, ignoring case. Throws IotHubError `unknown-name`/`empty-input`. */
export declare function byName(name: string): Entry;
/** Resolves a code, name or alias as people type it ("Error 401003", "aka.ms/iothub404103", ...). */
export declare function resolve(text: string): Resolution;
/**
 * Ranked full-text search, best first. A query with nothing to rank by (empty, blank, punctuation, stop words,
 * one-character words) gives `[]`, so it can run on every keystroke; over 4096 UTF-8 bytes is `input-too-long`.
 */
export declare function search(query: string): SearchHit[];
/** Classifies any well-formed six-digit code, listed or not. */
export declare function classify(code: number): Classification;
/** Every catalog entry, numbered codes ascending, then the code-less rows. */
export declare function catalog(): Entry[];
