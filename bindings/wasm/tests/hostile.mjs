// The shared hostile inputs of testdata/hostile.tsv, for the Node test (hostile.test.mjs) and the browser page
// (browser/hostile.html): reads the table, builds each row's text, and runs every text function over it.
// Plain JavaScript without Node APIs, so that Chromium can import it as it is. Reference: core/tests/hostile.rs.

/** Chunk size (UTF-16 code units) of the streaming Diagnoser, as the Rust runner's 65,536 bytes. */
export const CHUNK = 65536;

/** The rows of the table: [{name, kind, generator}], comments and blank lines left out. */
export function hostileRows(tsv) {
  const rows = [];
  for (let line of tsv.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    if (fields.length !== 3) throw new Error(`hostile.tsv: expected name, kind and generator in ${JSON.stringify(line)}`);
    const [name, kind, generator] = fields;
    if (kind !== 'text' && kind !== 'value') throw new Error(`hostile.tsv: unknown kind ${JSON.stringify(kind)} (${name})`);
    rows.push({ name, kind, generator });
  }
  return rows;
}

/** A text row's string: parts joined by " + ", each literal:TEXT or repeat:TEXT:COUNT. Lone surrogates are kept. */
export function buildText(generator) {
  let text = '';
  for (const part of generator.split(' + ')) {
    if (part.startsWith('literal:')) {
      text += unescape(part.slice('literal:'.length));
    } else if (part.startsWith('repeat:')) {
      const rest = part.slice('repeat:'.length);
      const colon = rest.lastIndexOf(':');
      const count = Number(rest.slice(colon + 1));
      if (colon < 0 || !Number.isInteger(count) || count < 0) throw new Error(`hostile.tsv: bad repeat part ${JSON.stringify(part)}`);
      text += unescape(rest.slice(0, colon)).repeat(count);
    } else {
      throw new Error(`hostile.tsv: unknown generator part ${JSON.stringify(part)}`);
    }
  }
  return text;
}

/** The table's escapes: \t \n \r \0 \\ and \uXXXX (one UTF-16 code unit, so a lone surrogate stays one). */
function unescape(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const escape = text[++i];
    if (escape === 't') out += '\t';
    else if (escape === 'n') out += '\n';
    else if (escape === 'r') out += '\r';
    else if (escape === '0') out += '\0';
    else if (escape === '\\') out += '\\';
    else if (escape === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`hostile.tsv: bad \\u escape in ${JSON.stringify(text)}`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      throw new Error(`hostile.tsv: unknown escape \\${escape} in ${JSON.stringify(text)}`);
    }
  }
  return out;
}

/**
 * Runs every text function of the package `api` (the module's exports) over `text` and returns what went wrong:
 * an empty list when each call gave a result or threw one of the package's own errors, and the module still
 * answers afterwards (no WebAssembly trap, no RuntimeError, no other exception).
 */
export function checkText(api, name, text) {
  const problems = [];
  const call = (label, fn) => {
    try {
      return { value: fn() };
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError) && error instanceof api.IotHubError) return { error };
      problems.push(`${name}: ${label} threw ${describeError(error)}`);
      return { error };
    } finally {
      try {
        if (api.lookup(401003).name !== 'IotHubUnauthorized') problems.push(`${name}: lookup is wrong after ${label}`);
      } catch (error) {
        problems.push(`${name}: the module is broken after ${label}: ${describeError(error)}`);
      }
    }
  };

  call('resolve', () => api.resolve(text));
  call('byName', () => api.byName(text));
  call('search', () => api.search(text));
  const scanned = call('scan', () => api.scan(text));
  if ('value' in scanned) {
    if (!Array.isArray(scanned.value)) problems.push(`${name}: scan did not return an array`);
    else {
      for (const f of scanned.value) {
        if (!(Number.isInteger(f.start) && Number.isInteger(f.end) && f.start >= 0 && f.start <= f.end && f.end <= text.length)) {
          problems.push(`${name}: scan finding at ${f.start}..${f.end} outside the string of length ${text.length}`);
          break;
        }
      }
    }
  }
  // fromError never throws, not even the package's own errors.
  try {
    const finding = api.fromError(text);
    if (finding !== null && typeof finding.confidence !== 'number') problems.push(`${name}: fromError returned ${typeof finding}`);
  } catch (error) {
    problems.push(`${name}: fromError threw ${describeError(error)}`);
  }
  call('parseErrorBody', () => api.parseErrorBody(text));
  call('parseErrorBody with status 400', () => api.parseErrorBody(text, 400));

  const streamed = call('Diagnoser fed in chunks', () => diagnose(api, text, CHUNK));
  if ('value' in streamed && text.length <= api.MAX_TEXT_LENGTH) {
    // The same text in one push must read the same records (the Rust runner compares with diagnose_text).
    const whole = call('Diagnoser fed at once', () => diagnose(api, text, text.length || 1));
    if ('value' in whole) {
      for (const field of ['records_read', 'records_skipped']) {
        if (whole.value.summary[field] !== streamed.value.summary[field]) {
          problems.push(`${name}: ${field} is ${streamed.value.summary[field]} in chunks, ${whole.value.summary[field]} at once`);
        }
      }
    }
  }
  return problems;
}

/** Feeds `text` to a new Diagnoser in chunks of `size` code units and returns the report of finish(). */
function diagnose(api, text, size) {
  const diagnoser = new api.Diagnoser();
  try {
    for (let at = 0; at < text.length; at += size) diagnoser.push(text.slice(at, at + size));
    const report = diagnoser.finish();
    if (typeof report?.summary?.records_read !== 'number') throw new Error('finish() returned no report');
    return report;
  } finally {
    diagnoser.free();
  }
}

function describeError(error) {
  if (error === null || typeof error !== 'object') return `the non-error ${typeof error} ${String(error)}`;
  const kind = error instanceof WebAssembly.RuntimeError ? 'WebAssembly.RuntimeError' : error.constructor?.name ?? 'an object';
  return `${kind}: ${String(error.message ?? error).slice(0, 300)}`;
}
