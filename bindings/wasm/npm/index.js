// iothub-errors: every Azure IoT Hub error code, for JavaScript. The typed wrapper over the wasm exports.
//
// This layer checks argument types (and what a u32 cannot hold) before anything reaches WebAssembly, turns the
// core's errors into IotHubError objects, and keeps catalog entries as frozen objects so that lookup() is a
// binary search in wasm plus an array read. Types: index.d.ts and the generated types.d.ts.

import initWasm, {
  initSync as initWasmSync,
  entry_count,
  entry_at,
  lookup_index,
  by_name_index,
  resolve as rawResolve,
  search_indexes,
  classify as rawClassify,
  input_buffer,
  scan_input,
  parse_error_body,
  resolve_error,
  Diagnoser as RawDiagnoser,
} from './iothub_errors_wasm.js';
import { ERROR_KINDS } from './names.js';

/** Longest query (UTF-8 bytes) that resolve, byName and search accept: the core's MAX_QUERY_LEN (it checks). */
export const MAX_QUERY_BYTES = 4096;
/** Longest text (UTF-16 code units) that scan, parseErrorBody and one Diagnoser.push accept: 64 Mi. */
export const MAX_TEXT_LENGTH = 64 * 1024 * 1024;

/**
 * Every error of the package. `kind` says which: a core ErrorKind (`detail` is then the core's error: kind,
 * message and fields), or the package's own (`invalid-argument-type`, `invalid-argument`, `not-initialized`,
 * `diagnoser-finished`; `detail` null). `code` is an alias of `kind`.
 */
export class IotHubError extends Error {
  constructor(detail, kind = detail.kind, message = detail.message) {
    super(message);
    this.kind = kind;
    this.detail = detail === null ? null : Object.freeze(detail);
  }

  get code() {
    return this.kind;
  }
}

/** An argument of the wrong type (a string where a number is expected, null, undefined, ...). */
export class IotHubTypeError extends IotHubError {
  constructor(message) {
    super(null, 'invalid-argument-type', message);
  }
}

/** A number outside what the function accepts, other than a code (an httpStatus that is not a u16). */
export class IotHubRangeError extends IotHubError {
  constructor(message) {
    super(null, 'invalid-argument', message);
  }
}

/** A call at the wrong time: before init(), or on a finished Diagnoser. */
export class IotHubStateError extends IotHubError {
  constructor(kind, message) {
    super(null, kind, message);
  }
}

/**
 * The WebAssembly module could not be loaded: `not-wasm` (what was fetched or given does not start with the
 * WebAssembly magic bytes, usually a web page) or `wasm-load-failed` (the fetch failed, or the module did not
 * compile or link; `cause` is the original error). `url` is the address fetched, when there was one.
 */
export class IotHubLoadError extends IotHubError {
  constructor(kind, message, url, cause) {
    super(null, kind, message);
    this.url = url;
    if (cause !== undefined) this.cause = cause;
  }
}

// Names on the prototypes (as Error.prototype.name), spelled out so that minifiers cannot rename them.
for (const [Class, name] of [
  [IotHubError, 'IotHubError'],
  [IotHubTypeError, 'IotHubTypeError'],
  [IotHubRangeError, 'IotHubRangeError'],
  [IotHubStateError, 'IotHubStateError'],
  [IotHubLoadError, 'IotHubLoadError'],
]) {
  Object.defineProperty(Class.prototype, 'name', { value: name, writable: true, configurable: true });
}

let ready = false;
let loading = null;
/** The module's exports once loaded: its memory holds the input buffer that texts and chunks are written into. */
let wasm = null;

/**
 * Loads the WebAssembly module (browsers, bundlers, workers). `source` is optional: a URL, a Request, a Response
 * (or a promise of one), bytes or a compiled WebAssembly.Module; by default the .wasm file beside this module is
 * fetched. Calling it again is free. Failures are IotHubLoadErrors.
 */
export async function init(source) {
  if (ready) return;
  loading ??= load(source).then(
    () => {
      ready = true;
    },
    (error) => {
      loading = null;
      throw error;
    },
  );
  await loading;
}

/** Fetches `source` when it is an address, instantiates it, and says why when it is not WebAssembly at all. */
async function load(source) {
  let url = null;
  let copy = null;
  try {
    source = await (source ?? new URL('iothub_errors_wasm_bg.wasm', import.meta.url));
    if (typeof source === 'string' || source instanceof URL || source instanceof Request) {
      url = String(source.url ?? source);
      source = await fetch(source);
    }
    if (source instanceof Response) {
      url = source.url || url;
      // Read only when compiling fails, so that the module itself still streams into the compiler.
      copy = source.clone();
    } else if (!(source instanceof WebAssembly.Module)) {
      checkMagic('init', wasmBytes('init', source), url);
    }
    wasm = await initWasm({ module_or_path: source });
  } catch (error) {
    if (error instanceof IotHubError) throw error;
    if (copy?.ok) await copy.arrayBuffer().then((bytes) => checkMagic('init', new Uint8Array(bytes), url), () => {});
    throw loadFailed('init', url, error);
  }
}

/** The bytes of a BufferSource; anything else is an IotHubTypeError. */
function wasmBytes(fn, source) {
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw new IotHubTypeError(`${fn}: expected the .wasm's URL, bytes or module, got ${describe(source)}`);
}

/**
 * Throws `not-wasm` unless `bytes` start with the WebAssembly magic bytes (`\0asm`). A bundler's dev server that
 * cannot find the .wasm answers with its HTML page, which the engine would only call a bad "magic word".
 */
function checkMagic(fn, bytes, url) {
  if ([0, 0x61, 0x73, 0x6d].every((byte, i) => bytes[i] === byte)) return;
  const start = JSON.stringify(String.fromCharCode(...bytes.subarray(0, 4)));
  throw new IotHubLoadError(
    'not-wasm',
    `${fn}: ${url ?? 'the module'} is not WebAssembly (it starts with ${start}). In Vite, set` +
      " optimizeDeps: { exclude: ['iothub-errors'] }, or pass the .wasm's URL or bytes to init()",
    url,
  );
}

/** The error of a module that could not be fetched, compiled or linked. */
function loadFailed(fn, url, cause) {
  return new IotHubLoadError('wasm-load-failed', `${fn}: could not load ${url ?? 'the module'}: ${cause}`, url, cause);
}

/** Instantiates the module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(source) {
  if (!(source instanceof WebAssembly.Module)) checkMagic('initSync', wasmBytes('initSync', source), null);
  if (ready) return;
  try {
    wasm = initWasmSync({ module: source });
  } catch (error) {
    throw loadFailed('initSync', null, error);
  }
  ready = true;
}

/** True once init() or initSync() has completed. */
export function isInitialized() {
  return ready;
}

function ensureReady(fn) {
  if (!ready) {
    throw new IotHubStateError(
      'not-initialized',
      `${fn}: iothub-errors is not initialized; await init() first (in Node.js, importing the package does it)`,
    );
  }
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of length ${value.length}` : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `${typeof value} ${String(value)}`;
}

/**
 * A code argument: a whole number from 0 to 4294967295 (the core's u32; the core checks the six digits). Any
 * other number is the core's `invalid-code`, with the core's fields, whichever side finds it.
 */
function codeArg(fn, value) {
  if (typeof value !== 'number') {
    throw new IotHubTypeError(`${fn}: the code must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    const input = Object.is(value, -0) ? '-0' : String(value);
    const reason = 'codes are whole six-digit numbers';
    throw new IotHubError({ kind: 'invalid-code', message: `"${input}" is not an IoT Hub error code: ${reason}`, input, reason });
  }
  return value;
}

/** A string argument; `max` (code units) for the texts that are read whole; the core checks query lengths. */
function stringArg(fn, value, max = Infinity) {
  if (typeof value !== 'string') {
    throw new IotHubTypeError(`${fn}: expected a string, got ${describe(value)}`);
  }
  if (value.length > max) tooLong(fn, value.length, 'characters');
  return value;
}

function tooLong(fn, len, unit) {
  const message = `${fn}: the input is ${len} ${unit} long; at most ${MAX_TEXT_LENGTH} are accepted (split it, or use a Diagnoser)`;
  throw new IotHubError({ kind: 'input-too-long', message, len, max: MAX_TEXT_LENGTH });
}

// Inputs cross into WebAssembly through one reused buffer in its memory (Rust's `input_buffer`): bytes are
// copied in with one `set`, texts encoded in place with `TextEncoder.encodeInto`. Nothing is allocated per call,
// and no JavaScript loop touches each character.

/** Bytes written into the input buffer per push: longer chunks and texts are pushed in parts of this size. */
const INPUT_BYTES = 1 << 20;
const encoder = new TextEncoder();

/** The input buffer resized to `capacity` bytes, as a view of WebAssembly memory (valid until the next call). */
function inputView(capacity) {
  const address = input_buffer(capacity); // first: making room may grow the memory and detach its old buffer
  return new Uint8Array(wasm.memory.buffer, address, capacity);
}

/** Writes all of `text` into the input buffer as UTF-8; returns the number of bytes written. */
function writeText(text) {
  const ascii = encoder.encodeInto(text, inputView(text.length));
  // Not all ASCII: again, with room for three bytes per code unit.
  return ascii.read === text.length ? ascii.written : encoder.encodeInto(text, inputView(3 * text.length)).written;
}

/** Calls a wasm export, rethrowing the core's errors as IotHubError and anything else unchanged. */
function core(fn, ...args) {
  try {
    return fn(...args);
  } catch (thrown) {
    if (thrown !== null && typeof thrown === 'object' && !(thrown instanceof Error) && ERROR_KINDS.includes(thrown.kind)) {
      throw new IotHubError(thrown);
    }
    throw thrown;
  }
}

function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze(value[key]);
    Object.freeze(value);
  }
  return value;
}

/** Catalog entries by index, serialized once and frozen. */
let entries = [];

function entryAt(index) {
  let entry = entries[index];
  if (entry === undefined) {
    if (entries.length === 0) entries = new Array(entry_count());
    entry = deepFreeze(entry_at(index));
    entries[index] = entry;
  }
  return entry;
}

/** The catalog entry of a six-digit code (alias codes included: 404102 gives DeviceNotOnline 404103). */
export function lookup(code) {
  ensureReady('lookup');
  return entryAt(core(lookup_index, codeArg('lookup', code)));
}

/** The catalog entry with this name or alias, ignoring case and surrounding space. */
export function byName(name) {
  ensureReady('byName');
  return entryAt(core(by_name_index, stringArg('byName', name)));
}

/** Resolves what people type or paste: a code, a name, an alias, "Error 401003", aka.ms/iothub404103, ... */
export function resolve(text) {
  ensureReady('resolve');
  const raw = core(rawResolve, stringArg('resolve', text));
  return {
    matched_by: raw.matched_by,
    entry: raw.entry_index === null ? null : entryAt(raw.entry_index),
    classification: raw.classification,
  };
}

/** Ranked full-text search over names, aliases and prose; best first. */
export function search(query) {
  ensureReady('search');
  const pairs = core(search_indexes, stringArg('search', query));
  const hits = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) hits.push({ entry: entryAt(pairs[i]), score: pairs[i + 1] });
  return hits;
}

/** Classifies any six-digit code, listed or not: class, family, transience, retry advice, who acts. */
export function classify(code) {
  ensureReady('classify');
  return core(rawClassify, codeArg('classify', code));
}

/** Every catalog entry, in catalog order (numbered codes ascending, then the code-less rows). */
export function catalog() {
  ensureReady('catalog');
  const count = entry_count();
  const all = new Array(count);
  for (let i = 0; i < count; i++) all[i] = entryAt(i);
  return all;
}

/**
 * Finds every IoT Hub (and DPS) error in any text, in order of position. `start`/`end` are indexes into the
 * string given, so `text.slice(finding.start, finding.end)` is the evidence.
 */
export function scan(text) {
  ensureReady('scan');
  const findings = core(scan_input, writeText(stringArg('scan', text, MAX_TEXT_LENGTH)));
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
  return core(parse_error_body, body, httpStatus ?? undefined);
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
  const finding = core(resolve_error, strings, chain.length, f.http_status, f.connack_code);
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
    this.#raw = new RawDiagnoser();
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
