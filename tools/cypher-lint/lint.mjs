#!/usr/bin/env node
// Lint Cypher statements with Neo4j's own linter (@neo4j-cypher/language-support).
//
// stdin:  {"statements": {"NAME": "CYPHER TEXT", ...}, "schema": {...optional DbSchema...}}
// stdout: {"NAME": [{"message": "...", "severity": "error", "line": 1, "column": 1}, ...], ...}
//
// line/column are 1-based. Exit 0 whenever the linter ran (with or without
// diagnostics); exit 2 on malformed input; exit 3 if the linter package fails to load.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

// LSP DiagnosticSeverity
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

function fail(code, message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(code);
}

// Read and validate the input before paying for loading the (large) linter.
let input;
try {
  input = JSON.parse(readFileSync(0, 'utf8'));
} catch (e) {
  fail(2, `stdin is not valid JSON: ${e.message}`);
}
if (input === null || typeof input !== 'object' || Array.isArray(input)) {
  fail(2, 'expected a JSON object {"statements": {"NAME": "CYPHER", ...}}');
}
const { statements } = input;
if (statements === null || typeof statements !== 'object' || Array.isArray(statements)) {
  fail(2, 'expected "statements" to be an object {"NAME": "CYPHER", ...}');
}
for (const [name, query] of Object.entries(statements)) {
  if (typeof query !== 'string') {
    fail(2, `statement ${JSON.stringify(name)} is not a string`);
  }
}
// Neutral schema by default: no labels/relationship types (so no "not present
// in the database" warnings), no functions/procedures (so those checks are
// skipped entirely), no parameters (so every $param gets "Parameter $x is not defined.").
const schema = input.schema ?? {};
if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
  fail(2, 'expected "schema" (optional) to be an object');
}

// The package's ESM build uses extension-less imports that Node cannot resolve,
// so load its CommonJS build.
let lintCypherQuery;
try {
  const require = createRequire(import.meta.url);
  ({ lintCypherQuery } = require('@neo4j-cypher/language-support'));
  if (typeof lintCypherQuery !== 'function') {
    throw new Error('lintCypherQuery is not exported');
  }
} catch (e) {
  fail(3, `cannot load @neo4j-cypher/language-support (did you run "npm ci"?): ${e.message}`);
}

// Keep stdout pure JSON even if the parser logs something.
const log = console.log;
console.log = console.info = console.debug = (...args) => console.error(...args);

const out = {};
try {
  for (const [name, query] of Object.entries(statements)) {
    const diagnostics = lintCypherQuery(query, schema, false);
    out[name] = diagnostics.map((d) => ({
      message: d.message,
      severity: SEVERITY[d.severity] ?? String(d.severity),
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    }));
  }
} catch (e) {
  fail(3, `linter crashed: ${e && e.stack ? e.stack : e}`);
}
console.log = log;
process.stdout.write(JSON.stringify(out) + '\n');
