// The replay suite alone: no PostgreSQL, no Temporal server, a few seconds. `npm test` runs it too.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/replay'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
