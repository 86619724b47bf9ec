#!/usr/bin/env node
// The `sagaflow` command (`npx sagaflow …` in this repository): runs the TypeScript sources through tsx.
require('tsx/cjs');
const { runCli } = require('./main.ts');
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
