// iothub-errors: what the package's two entries share, the full `iothub-errors` and the catalog-only
// `iothub-errors/catalog`: the error classes (one set, so `instanceof` works across entries), the argument
// checks, the loading of a wasm module, and the catalog functions built over a module's raw exports, so that
// both entries check, load, cache and answer alike.

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

/**
 * The loading state of one wasm module, over wasm-bindgen's `initWasm` and `initWasmSync`, with `defaultSource()`
 * the address of the entry's own .wasm: the entry's `init`, `initSync` and `isInitialized`, and `ensureReady`,
 * which every function calls first.
 */
export function loader(initWasm, initWasmSync, defaultSource) {
  let ready = false;
  let loading = null;
  /** The module's raw exports once loaded (its `memory` holds the full entry's input buffer). */
  let exports = null;

  /**
   * Loads the WebAssembly module (browsers, bundlers, workers). `source` is optional: a URL, a Request, a
   * Response (or a promise of one), bytes or a compiled WebAssembly.Module; by default the .wasm file beside the
   * entry is fetched. Calling it again is free. Failures are IotHubLoadErrors.
   */
  async function init(source) {
    if (ready) return;
    loading ??= load(initWasm, source, defaultSource).then(
      (loaded) => {
        exports = loaded;
        ready = true;
      },
      (error) => {
        loading = null;
        throw error;
      },
    );
    await loading;
  }

  /** Instantiates the module synchronously from its bytes or a compiled WebAssembly.Module. */
  function initSync(source) {
    if (!(source instanceof WebAssembly.Module)) checkMagic('initSync', wasmBytes('initSync', source), null);
    if (ready) return;
    try {
      exports = initWasmSync({ module: source });
    } catch (error) {
      throw loadFailed('initSync', null, error);
    }
    ready = true;
  }

  /** True once init() or initSync() has completed. */
  function isInitialized() {
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

  /** The WebAssembly memory of the loaded module. */
  function memory() {
    return exports.memory;
  }

  return { init, initSync, isInitialized, ensureReady, memory };
}

/**
 * Fetches `source` (by default the entry's own .wasm, `defaultSource()`) when it is an address, instantiates it
 * with wasm-bindgen's `initWasm`, and says why when it is not WebAssembly at all.
 */
async function load(initWasm, source, defaultSource) {
  let url = null;
  let copy = null;
  try {
    source = await (source ?? defaultSource());
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
    return await initWasm({ module_or_path: source });
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

export function describe(value) {
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
export function codeArg(fn, value) {
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
export function stringArg(fn, value, max = Infinity) {
  if (typeof value !== 'string') {
    throw new IotHubTypeError(`${fn}: expected a string, got ${describe(value)}`);
  }
  if (value.length > max) tooLong(fn, value.length, 'characters');
  return value;
}

export function tooLong(fn, len, unit) {
  const message = `${fn}: the input is ${len} ${unit} long; at most ${MAX_TEXT_LENGTH} are accepted (split it, or use a Diagnoser)`;
  throw new IotHubError({ kind: 'input-too-long', message, len, max: MAX_TEXT_LENGTH });
}

/** Calls a wasm export, rethrowing the core's errors as IotHubError and anything else unchanged. */
export function core(fn, ...args) {
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

/**
 * The catalog functions of an entry over its module's raw exports (`entry_count`, `entry_at`, `lookup_index`,
 * `by_name_index`, `resolve`, `search_indexes`, `classify`, which both modules export from the same Rust source).
 * Entries are serialized once per module and kept frozen, so that lookup() is a binary search in wasm plus an
 * array read.
 */
export function catalogFunctions(raw, ensureReady) {
  /** Catalog entries by index, serialized once and frozen. */
  let entries = [];

  function entryAt(index) {
    let entry = entries[index];
    if (entry === undefined) {
      if (entries.length === 0) entries = new Array(raw.entry_count());
      entry = deepFreeze(raw.entry_at(index));
      entries[index] = entry;
    }
    return entry;
  }

  /** The catalog entry of a six-digit code (alias codes included: 404102 gives DeviceNotOnline 404103). */
  function lookup(code) {
    ensureReady('lookup');
    return entryAt(core(raw.lookup_index, codeArg('lookup', code)));
  }

  /** The catalog entry with this name or alias, ignoring case and surrounding space. */
  function byName(name) {
    ensureReady('byName');
    return entryAt(core(raw.by_name_index, stringArg('byName', name)));
  }

  /** Resolves what people type or paste: a code, a name, an alias, "Error 401003", aka.ms/iothub404103, ... */
  function resolve(text) {
    ensureReady('resolve');
    const resolution = core(raw.resolve, stringArg('resolve', text));
    return {
      matched_by: resolution.matched_by,
      entry: resolution.entry_index === null ? null : entryAt(resolution.entry_index),
      classification: resolution.classification,
    };
  }

  /** Ranked full-text search over names, aliases and prose; best first. */
  function search(query) {
    ensureReady('search');
    const pairs = core(raw.search_indexes, stringArg('search', query));
    const hits = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) hits.push({ entry: entryAt(pairs[i]), score: pairs[i + 1] });
    return hits;
  }

  /** Classifies any six-digit code, listed or not: class, family, transience, retry advice, who acts. */
  function classify(code) {
    ensureReady('classify');
    return core(raw.classify, codeArg('classify', code));
  }

  /** Every catalog entry, in catalog order (numbered codes ascending, then the code-less rows). */
  function catalog() {
    ensureReady('catalog');
    const count = raw.entry_count();
    const all = new Array(count);
    for (let i = 0; i < count; i++) all[i] = entryAt(i);
    return all;
  }

  return { lookup, byName, resolve, search, classify, catalog };
}
