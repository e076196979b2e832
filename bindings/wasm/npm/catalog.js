// iothub-errors/catalog: the catalog-only entry of iothub-errors, for pages that only explain codes. The same
// catalog functions, error classes and argument checks as the full entry (common.js), over a smaller wasm module
// without the scanner, the log readers and the diagnosis. Types: catalog.d.ts and the generated types.d.ts.

import * as wasm from './iothub_errors_catalog.js';
import { loader, catalogFunctions } from './common.js';

export {
  MAX_QUERY_BYTES,
  IotHubError,
  IotHubTypeError,
  IotHubRangeError,
  IotHubStateError,
  IotHubLoadError,
} from './common.js';

const { init, initSync, isInitialized, ensureReady } = loader(
  wasm.default,
  wasm.initSync,
  () => new URL('iothub_errors_catalog_bg.wasm', import.meta.url),
);
export { init, initSync, isInitialized };

export const { lookup, byName, resolve, search, classify, catalog } = catalogFunctions(wasm, ensureReady);
