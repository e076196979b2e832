// Shared helpers of the package tests: where the workspace's test data is, and how its case files escape text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workspace's testdata folder (set by `cargo xtask test wasm`). */
export const TESTDATA = process.env.IOTHUB_ERRORS_TESTDATA;
if (!TESTDATA) throw new Error('set IOTHUB_ERRORS_TESTDATA to the workspace testdata folder (cargo xtask test wasm does)');

/** A file of the testdata folder, as text. */
export function testdata(...parts) {
  return readFileSync(join(TESTDATA, ...parts), 'utf8');
}

/** A file of the testdata folder, as bytes. */
export function testdataBytes(...parts) {
  return new Uint8Array(readFileSync(join(TESTDATA, ...parts)));
}

/** An input column of the case files (conformance.tsv, scan-cases.tsv) with its escapes (\t \n \r \0 \\) turned into characters. */
export function unescape(text) {
  return text.replace(/\\(.)/g, (_, c) => {
    const map = { t: '\t', n: '\n', r: '\r', 0: '\0', '\\': '\\' };
    if (!(c in map)) throw new Error(`bad escape \\${c}`);
    return map[c];
  });
}
