// The cluster suite alone: its global setup starts the cluster profile (a Temporal server on
// PostgreSQL, two saga and two projection worker processes), building the server on a first run.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/cluster/globalSetup.ts',
  globalTeardown: '<rootDir>/test/cluster/globalTeardown.ts',
  testTimeout: 180_000,
};
