#!/usr/bin/env node
// The `sagaflow` command. In this repository (`npx sagaflow …`) it runs the TypeScript sources
// through tsx, over the repository's processes; installed from the package it runs the compiled
// engine over the app's composition (SAGAFLOW_COMPOSITION), as the package ships no sources.
const fs = require('node:fs');
const path = require('node:path');

const inRepository = fs.existsSync(path.join(__dirname, 'main.ts'));
let run;
if (inRepository) {
  require('tsx/cjs');
  run = require('./main.ts').runCli;
} else {
  run = require('../../dist/src/cli/appMain.js').main;
}
run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
