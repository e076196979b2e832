// Node.js entry of iothub-errors/catalog: instantiates the catalog module on import, so no init() call is needed.
import { readFileSync } from 'node:fs';
import { initSync } from './catalog.js';

initSync(readFileSync(new URL('./iothub_errors_catalog_bg.wasm', import.meta.url)));

export * from './catalog.js';
