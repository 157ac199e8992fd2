#!/usr/bin/env node
// Offline Cypher linter harness for Kith, built on Neo4j's own linter
// (@neo4j-cypher/language-support, function lintCypherQuery).
//
// stdin : JSON array of {"name": string, "query": string}
// stdout: JSON array, same order:
//         {"name": ..., "diagnostics": [{"severity": "error"|"warning"|"info"|"hint",
//                                        "message": str, "line": int, "column": int}]}
//         line and column are 1-based (start of the diagnostic's range).
// exit  : 0 when linting ran (whether or not diagnostics were found),
//         2 on bad input, 1 on an unexpected internal failure.
//
// How lintCypherQuery(query, dbSchema, consoleCommandsEnabled?) is called here:
//  * dbSchema must be an object: passing undefined throws inside the package.
//  * No labels / relationshipTypes are given, so the linter's "Label X is not
//    present in the database" warnings never fire (it only checks labels when
//    BOTH lists are present).
//  * No procedures / functions registries are given, so unknown-procedure and
//    unknown-function errors never fire either (those checks are skipped when
//    the registry is absent). Built-in function deprecations such as id() still
//    come from Neo4j's own semantic analysis.
//  * The linter reports "Parameter $x is not defined." as an ERROR for every
//    parameter absent from dbSchema.parameters, even with an empty schema. We
//    therefore collect each query's own parameter names with the package's
//    parser and declare them, so that only real problems remain.
//  * defaultLanguage is pinned to 'CYPHER 5' (what real Neo4j 5 runs). A query
//    carrying an explicit "CYPHER 25" prefix is still analysed as Cypher 25.

import { createRequire } from 'node:module';

// The package's ESM build uses extension-less relative imports, which Node's
// ESM loader rejects (ERR_MODULE_NOT_FOUND); its CommonJS build works.
const require = createRequire(import.meta.url);
const { lintCypherQuery, parserWrapper } = require('@neo4j-cypher/language-support');

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
const CYPHER_VERSION = 'CYPHER 5';

function fail(message) {
  process.stderr.write(`lint.mjs: ${message}\n`);
  process.exit(2);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function validate(input) {
  if (!Array.isArray(input)) fail('input must be a JSON array of {"name", "query"} objects');
  input.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      fail(`item ${i}: expected an object with "name" and "query"`);
    }
    if (typeof item.name !== 'string') fail(`item ${i}: "name" must be a string`);
    if (typeof item.query !== 'string') fail(`item ${i}: "query" must be a string`);
  });
}

function declaredParameters(query) {
  // parserWrapper caches the last parse, so lintCypherQuery below reuses it.
  const params = {};
  for (const statement of parserWrapper.parse(query).statementsParsing) {
    for (const p of statement.collectedParameters ?? []) {
      params[p.name.replace(/^`|`$/g, '')] = null; // any value !== undefined
    }
  }
  return params;
}

function lintOne(query) {
  const dbSchema = { defaultLanguage: CYPHER_VERSION, parameters: declaredParameters(query) };
  return lintCypherQuery(query, dbSchema).map((d) => ({
    severity: SEVERITY[d.severity] ?? 'error', // LSP: severity omitted => client decides; treat as error
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
  }));
}

async function main() {
  const text = await readStdin();
  let input;
  try {
    input = JSON.parse(text);
  } catch (e) {
    fail(`stdin is not valid JSON: ${e.message}`);
  }
  validate(input);

  // Keep stdout pure JSON even if the analyser ever logs something.
  const log = console.log;
  console.log = (...args) => console.error(...args);
  let results;
  try {
    results = input.map(({ name, query }) => ({ name, diagnostics: lintOne(query) }));
  } finally {
    console.log = log;
  }
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => {
  process.stderr.write(`lint.mjs: internal error: ${e?.stack ?? e}\n`);
  process.exit(1);
});
