/**
 * Integration tests run against a real Temporal dev server (see test/helpers/temporal.ts). Global setup finds
 * or builds the Temporal CLI and bundles the workflow code once for every test file.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // A dev server takes a few seconds to start, and a workflow test waits on real timers.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
};
