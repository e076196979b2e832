// Compiled by `tsc --strict --noEmit` in the consumer project: the catalog-only entry's types, as a user meets
// them. They are the full entry's declarations (index.d.ts re-exports catalog.d.ts), checked here to stay so.
import type * as full from 'iothub-errors';
import {
  lookup, byName, resolve, search, classify, catalog, init, initSync, isInitialized, MAX_QUERY_BYTES,
  IotHubError, IotHubStateError,
  type Entry, type Classification, type Resolution, type SearchHit, type ErrorKind,
} from 'iothub-errors/catalog';
import * as catalogEntry from 'iothub-errors/catalog';

await init();

const entry: Entry = lookup(401003);
const name: string = byName('DeviceNotFound').name;
const resolution: Resolution = resolve('aka.ms/iothub404103');
const hits: SearchHit[] = search('throttling');
const classification: Classification = classify(403150);
const all: Entry[] = catalog();
const limit: 4096 = MAX_QUERY_BYTES;
const ready: boolean = isInitialized();

try {
  lookup(400999);
} catch (error) {
  if (error instanceof IotHubStateError) {
    const state: 'not-initialized' | 'diagnoser-finished' = error.kind;
    console.log(state);
  } else if (error instanceof IotHubError) {
    const kind: ErrorKind | full.PackageErrorKind = error.kind;
    console.log(kind);
  }
}

// The same declarations as the full entry's, not copies that could drift.
const sameLookup: typeof full.lookup = lookup;
const sameSearch: typeof full.search = search;
const sameError: typeof full.IotHubError = IotHubError;
const sameInitSync: typeof full.initSync = initSync;

// @ts-expect-error the catalog entry has no scanner
catalogEntry.scan('error 404001');
// @ts-expect-error nor diagnosis
new catalogEntry.Diagnoser();

console.log(entry, name, resolution, hits, classification, all, limit, ready, sameLookup, sameSearch, sameError, sameInitSync);
