/**
 * Two tiers, one run (`npm test`), each selectable (`npm run test:unit`, `npm run test:integration`):
 * - unit: `*.unit.test.ts`, no Temporal dev server, no simulator, no child process, no listening socket
 *   (test/architecture/test-tiers.unit.test.ts holds them to it). Workflow logic runs on Temporal's
 *   time-skipping test server, in virtual time.
 * - integration: every other `*.test.ts`, against a real Temporal dev server (test/helpers/temporal.ts), the
 *   sandbox simulators and real processes.
 * Jest runs a project's global setup only when that project has test files in the run, so a unit run never
 * resolves the Temporal CLI or Chromium.
 * `npm run test:unit` runs two files at once (`--maxWorkers=2`): unit files race no real clock, so sharing the
 * cores costs them nothing but time. `npm test` keeps Jest's default (one worker on two cores): integration
 * tests wait on real servers, and starving them of CPU would only make them slow to answer.
 * ts-jest transpiles each file on its own (tsconfig.json sets `isolatedModules`, which ts-jest follows):
 * `npm run typecheck` type-checks the tests.
 * @type {import('jest').Config}
 */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': 'ts-jest' },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['**/*.unit.test.ts'],
      globalSetup: '<rootDir>/test/setup/unit-global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
  // A global option (Jest reads no per-project timeout): a dev server takes a few seconds to start, and an
  // integration test waits on real timers.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
};
