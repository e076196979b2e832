// Node.js entry of iothub-errors: instantiates the WebAssembly module on import, so no init() call is needed.
import { readFileSync } from 'node:fs';
import { initSync } from './index.js';

initSync(readFileSync(new URL('./iothub_errors_wasm_bg.wasm', import.meta.url)));

export * from './index.js';
