// iothub-errors: every Azure IoT Hub error code, for JavaScript. The typed wrapper over the full module's exports.
//
// This layer checks argument types (and what a u32 cannot hold) before anything reaches WebAssembly and turns the
// core's errors into IotHubError objects. The catalog functions, the error classes, loading and the argument
// checks are shared with the catalog-only entry (catalog.js) through common.js. Types: index.d.ts, catalog.d.ts
// and the generated types.d.ts.

import * as wasm from './iothub_errors_wasm.js';
import {
  MAX_TEXT_LENGTH,
  IotHubTypeError,
  IotHubRangeError,
  IotHubStateError,
  loader,
  catalogFunctions,
  describe,
  stringArg,
  tooLong,
  core,
} from './common.js';

export {
  MAX_QUERY_BYTES,
  MAX_TEXT_LENGTH,
  IotHubError,
  IotHubTypeError,
  IotHubRangeError,
  IotHubStateError,
  IotHubLoadError,
} from './common.js';

const { init, initSync, isInitialized, ensureReady, memory } = loader(
  wasm.default,
  wasm.initSync,
  () => new URL('iothub_errors_wasm_bg.wasm', import.meta.url),
);
export { init, initSync, isInitialized };

export const { lookup, byName, resolve, search, classify, catalog } = catalogFunctions(wasm, ensureReady);

// Inputs cross into WebAssembly through one reused buffer in its memory (Rust's `input_buffer`): bytes are
// copied in with one `set`, texts encoded in place with `TextEncoder.encodeInto`. Nothing is allocated per call,
// and no JavaScript loop touches each character.

/** Bytes written into the input buffer per push: longer chunks and texts are pushed in parts of this size. */
const INPUT_BYTES = 1 << 20;
const encoder = new TextEncoder();

/** The input buffer resized to `capacity` bytes, as a view of WebAssembly memory (valid until the next call). */
function inputView(capacity) {
  const address = wasm.input_buffer(capacity); // first: making room may grow the memory and detach its old buffer
  return new Uint8Array(memory().buffer, address, capacity);
}

/** Writes all of `text` into the input buffer as UTF-8; returns the number of bytes written. */
function writeText(text) {
  const ascii = encoder.encodeInto(text, inputView(text.length));
  // Not all ASCII: again, with room for three bytes per code unit.
  return ascii.read === text.length ? ascii.written : encoder.encodeInto(text, inputView(3 * text.length)).written;
}

/**
 * Finds every IoT Hub (and DPS) error in any text, in order of position. `start`/`end` are indexes into the
 * string given, so `text.slice(finding.start, finding.end)` is the evidence.
 */
export function scan(text) {
  ensureReady('scan');
  const findings = core(wasm.scan_input, writeText(stringArg('scan', text, MAX_TEXT_LENGTH)));
  for (const finding of findings) {
    // The core's confidence is a 32-bit float; give the value it was written as (0.9, not 0.8999999761581421).
    finding.confidence = Number(finding.confidence.toPrecision(6));
  }
  return findings;
}

/** Reads an IoT Hub error body in any of its shapes; `httpStatus` is the response status when known. */
export function parseErrorBody(body, httpStatus) {
  ensureReady('parseErrorBody');
  stringArg('parseErrorBody', body, MAX_TEXT_LENGTH);
  if (httpStatus !== undefined && httpStatus !== null) {
    if (typeof httpStatus !== 'number') {
      throw new IotHubTypeError(`parseErrorBody: httpStatus must be a number, got ${describe(httpStatus)}`);
    }
    if (!Number.isInteger(httpStatus) || httpStatus < 0 || httpStatus > 65535) {
      throw new IotHubRangeError(
        `parseErrorBody: httpStatus ${String(httpStatus)} is not an HTTP status (a whole number from 0 to 65535)`,
      );
    }
  }
  return core(wasm.parse_error_body, body, httpStatus ?? undefined);
}

// fromError: the facts an SDK error object carries, read property by property (never serialized whole: errors
// with a `response` are circular, rhea's AMQP errors keep `condition`/`description`/`info` in prototype getters,
// `message` is not enumerable), matched by name (never instanceof: azure-iothub bundles its own error classes).
// Nothing here decides anything: the core reads the facts (iothub_errors::resolve_error).

/** Deepest cause followed, most links kept, most stack frames kept, longest string kept (code units). */
const MAX_DEPTH = 8;
const MAX_LINKS = 16;
const MAX_FRAMES = 32;
const MAX_FACT = 16384;
/** Properties that hold the error a wrapper was made from, in the order they are followed. */
const CAUSES = ['cause', 'transportError', 'innerError', 'amqpError'];

/** `object[key]`, or undefined when it is not an object or reading throws (getters, revoked Proxies). */
function prop(object, key) {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  try {
    return Reflect.get(object, key);
  } catch {
    return undefined;
  }
}

function clip(text) {
  return text.length > MAX_FACT ? text.slice(0, MAX_FACT) : text;
}

/** A non-empty string, clipped; anything else undefined. */
function str(value) {
  return typeof value === 'string' && value !== '' ? clip(value) : undefined;
}

/** A body as text: a string, bytes (UTF-8) or an object (JSON of that value only). */
function bodyText(value) {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return str(value);
  try {
    if (value instanceof ArrayBuffer) value = new Uint8Array(value);
    if (ArrayBuffer.isView(value)) {
      return str(new TextDecoder().decode(new Uint8Array(value.buffer, value.byteOffset, Math.min(value.byteLength, MAX_FACT))));
    }
    return typeof value === 'object' ? str(JSON.stringify(value)) : undefined;
  } catch {
    return undefined;
  }
}

/** A whole number within [min, max], else undefined. */
function int(value, min, max) {
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/** The error's class name: its `name`, or its constructor's when that says more than `Error`. */
function className(error) {
  const name = str(prop(error, 'name'));
  if (name !== undefined && name !== 'Error') return name;
  const ctor = str(prop(prop(error, 'constructor'), 'name'));
  return ctor === undefined || ctor === 'Object' || ctor === 'Function' ? name : ctor;
}

/**
 * The facts an error object (or anything thrown) carries, as `iothub_errors::ErrorFacts`: its chain of causes,
 * HTTP status, `iothub-errorcode` header, body, AMQP condition, CONNACK return code, tracking id and stack
 * frames. Never throws; null and undefined give empty facts.
 */
export function errorFacts(error) {
  const facts = {};
  const set = (key, value) => {
    if (value !== undefined && facts[key] === undefined) facts[key] = value;
  };
  if (error === null || error === undefined) return facts;
  if (typeof error !== 'object' && typeof error !== 'function') {
    let message;
    try {
      message = str(String(error));
    } catch {
      message = undefined;
    }
    if (message !== undefined) facts.chain = [{ message }];
    return facts;
  }
  const chain = [];
  const frames = [];
  const seen = new Set();
  const visit = (object, depth, via) => {
    if (object === null || typeof object !== 'object' || depth > MAX_DEPTH || seen.has(object)) return;
    seen.add(object);
    const name = className(object);
    const message = prop(object, 'message');
    if (message !== null && typeof message === 'object') {
      // AMQP twin errors: `message` is the hub's parsed error body ({errorCode, trackingId, message}).
      set('body', bodyText(message));
      set('tracking_id', str(prop(message, 'trackingId')));
    }
    const text = typeof message === 'string' ? str(message) : str(prop(message, 'message'));
    // A link per error: an object with a message, or a name of its own (not data such as rhea's AMQP errors).
    if ((text !== undefined || str(prop(object, 'name')) !== undefined) && chain.length < MAX_LINKS) {
      const link = {};
      if (name !== undefined) link.name = name;
      if (text !== undefined) link.message = text;
      chain.push(link);
    }
    const response = prop(object, 'response');
    set('http_status', int(prop(response, 'statusCode'), 100, 599) ?? int(prop(object, 'statusCode'), 100, 599));
    const headers = prop(response, 'headers');
    const getHeader = prop(headers, 'get');
    let header;
    if (typeof getHeader === 'function') {
      try {
        header = Reflect.apply(getHeader, headers, ['iothub-errorcode']);
      } catch {
        header = undefined;
      }
    }
    set('error_code_header', str(header) ?? str(prop(headers, 'iothub-errorcode')));
    set('body', bodyText(prop(object, 'responseBody')) ?? bodyText(prop(response, 'body')) ?? bodyText(prop(response, 'bodyAsText')) ?? bodyText(prop(object, 'body')));
    // rhea's AMQP errors (condition, description, info) and, for twin, the AMQP response message.
    set('amqp_condition', str(prop(object, 'condition')));
    set('amqp_description', str(prop(object, 'description')));
    set('tracking_id', str(prop(prop(object, 'info'), 'com.microsoft:tracking-id')));
    set('http_status', int(prop(prop(object, 'message_annotations'), 'status'), 100, 599));
    set('body', bodyText(prop(prop(object, 'body'), 'content')));
    // mqtt.js errors carry the refused CONNACK's return code.
    if (via === 'transportError') set('connack_code', int(prop(object, 'code'), 1, 5));
    const stack = prop(object, 'stack');
    if (typeof stack === 'string') {
      for (const line of stack.slice(0, 8 * MAX_FACT).split('\n')) {
        const frame = line.trim();
        if (frames.length < MAX_FRAMES && frame.startsWith('at ') && !frames.includes(frame.slice(3))) {
          frames.push(clip(frame.slice(3)));
        }
      }
    }
    for (const key of CAUSES) visit(prop(object, key), depth + 1, key);
  };
  visit(error, 0, null);
  if (chain.length > 0) facts.chain = chain;
  if (frames.length > 0) facts.frames = frames;
  return facts;
}

/**
 * The IoT Hub (or DPS) error that an error thrown by an Azure IoT SDK (or anything else caught) stands for, or
 * null when nothing it carries names or implies one. The package only reads the object (errorFacts); the core
 * decides, as scan does: an explicit code in a body or header wins, else the most likely code from the class,
 * status, AMQP condition or CONNACK refusal, with `alternatives`. A string is read as a message. Never throws once initialized.
 */
export function fromError(error) {
  ensureReady('fromError');
  const f = errorFacts(error);
  if (Object.keys(f).length === 0) return null;
  const chain = f.chain ?? [];
  const strings = [f.error_code_header, f.body, f.amqp_condition, f.amqp_description, f.tracking_id]
    .concat(chain.flatMap((link) => [link.name, link.message]), f.frames ?? [])
    .map((text) => (text ?? '').replaceAll('\0', ' '))
    .join('\0');
  const finding = core(wasm.resolve_error, strings, chain.length, f.http_status, f.connack_code);
  if (finding !== null) finding.confidence = Number(finding.confidence.toPrecision(6));
  return finding;
}

/**
 * Streaming fleet diagnosis: push log exports (any shape, any chunking) as strings or bytes, then finish() for
 * the report. Memory grows with the number of devices, not with the input.
 */
export class Diagnoser {
  #raw;
  #bytes = 0;
  #records = 0;

  constructor() {
    ensureReady('Diagnoser');
    this.#raw = new wasm.Diagnoser();
  }

  #live(fn) {
    if (this.#raw === null) {
      throw new IotHubStateError('diagnoser-finished', `Diagnoser.${fn}: this diagnoser has finished; create a new one`);
    }
    return this.#raw;
  }

  /** Feeds the next chunk: a string, or bytes (Uint8Array, any ArrayBufferView, ArrayBuffer). */
  push(chunk) {
    const raw = this.#live('push');
    let bytes = chunk;
    if (typeof chunk === 'string') stringArg('Diagnoser.push', chunk, MAX_TEXT_LENGTH);
    else {
      if (ArrayBuffer.isView(chunk)) bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      else if (chunk instanceof ArrayBuffer) bytes = new Uint8Array(chunk);
      else throw new IotHubTypeError(`Diagnoser.push: expected a string or bytes, got ${describe(chunk)}`);
      if (bytes.length > MAX_TEXT_LENGTH) tooLong('Diagnoser.push', bytes.length, 'bytes');
    }
    // Part by part through the input buffer: bytes copied, text encoded in place (encodeInto never splits a
    // character; the decoder takes any chunking).
    for (let at = 0; at < bytes.length; ) {
      const view = inputView(INPUT_BYTES);
      let read = Math.min(bytes.length - at, INPUT_BYTES);
      let written = read;
      if (typeof bytes === 'string') ({ read, written } = encoder.encodeInto(bytes.substring(at), view));
      else view.set(bytes.subarray(at, at + read));
      raw.push_input(written);
      at += read;
    }
    this.#bytes += bytes.length;
  }

  /** Starts the next input (file): its format is detected anew and evidence carries its number. */
  nextInput() {
    this.#live('nextInput').next_input();
  }

  /** Records read so far; after finish() or free(), the count it ended with. */
  get recordsRead() {
    return this.#raw === null ? this.#records : this.#raw.records_read();
  }

  /** Bytes (string chunks: characters) pushed so far. */
  get bytesPushed() {
    return this.#bytes;
  }

  /** Ends the input and returns the report; the diagnoser is then finished. */
  finish() {
    const raw = this.#live('finish');
    this.#raw = null;
    this.#records = raw.records_read();
    try {
      const report = raw.finish();
      this.#records = report.summary.records_read;
      return report;
    } finally {
      raw.free();
    }
  }

  /** Releases the diagnoser without a report; calling it again, or after finish(), does nothing. */
  free() {
    if (this.#raw !== null) {
      this.#records = this.#raw.records_read();
      this.#raw.free();
      this.#raw = null;
    }
  }
}

// `using diagnoser = new Diagnoser()` frees it at the end of the block; where the runtime has no Symbol.dispose
// (older Node.js versions and browsers), a polyfill defined before this module loads is used.
if (Symbol.dispose) Diagnoser.prototype[Symbol.dispose] = Diagnoser.prototype.free;
