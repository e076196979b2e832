// Shared helpers of the package tests: where the workspace's test data is.
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
