// Parses and semantically analyses KQL queries with Microsoft's own Kusto language library
// (@kusto/language-service-next, the Kusto.Language engine compiled to JavaScript), against a database that
// holds the AzureDiagnostics table with the columns IoT Hub resource logs fill. Any diagnostic of severity
// Error fails the check.
//
// usage: node check.mjs QUERIES.json [EXTRA_TABLE ...]
//   QUERIES.json: [{"source": "...", "query": "..."}]; EXTRA_TABLE: more tables with the same columns (for the
//   queries written with --kql-table).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';

const require = createRequire(import.meta.url);
const library = require.resolve('@kusto/language-service-next/package.json').replace(/package\.json$/, '');
globalThis.window = globalThis; // the Bridge.NET runtime looks for a browser-like global
vm.runInThisContext(readFileSync(library + 'bridge.min.js', 'utf8'));
vm.runInThisContext(readFileSync(library + 'Kusto.Language.Bridge.min.js', 'utf8'));
const K = globalThis.Kusto.Language;
const S = K.Symbols;

const COLUMNS = [
  ['TimeGenerated', 'datetime'], ['ResourceProvider', 'string'], ['ResourceType', 'string'],
  ['Category', 'string'], ['OperationName', 'string'], ['Level', 'string'], ['ResultType', 'string'],
  ['ResultDescription', 'string'], ['properties_s', 'string'], ['DurationMs', 'long'], ['_ResourceId', 'string'],
  ['Resource', 'string'], ['ResourceGroup', 'string'], ['SubscriptionId', 'string'], ['Location', 'string'],
  ['CorrelationId', 'string'],
];

const [file, ...extraTables] = process.argv.slice(2);
const tables = ['AzureDiagnostics', ...extraTables].map(
  (name) => new S.TableSymbol.$ctor4(name, COLUMNS.map(([column, type]) => new S.ColumnSymbol(column, S.ScalarTypes.GetSymbol(type)))),
);
const globals = K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.ctor('logs', tables));

const queries = JSON.parse(readFileSync(file, 'utf8'));
let passed = 0;
let failed = 0;
for (const { source, query } of queries) {
  const diagnostics = K.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  const errors = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const diagnostic = diagnostics.getItem(i);
    if (String(diagnostic.Severity) === 'Error') errors.push(`${diagnostic.Message} (at ${diagnostic.Start})`);
  }
  if (errors.length === 0) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${source}\n  ${errors.join('\n  ')}\n${query}\n`);
  }
}
console.log(`kql: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
