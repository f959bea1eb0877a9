/** Variables global setup hands to the test files. */
export const TEST_ENV = {
  /** The Temporal CLI (integration tier). */
  temporalCli: 'KYC_TEST_TEMPORAL_CLI',
  /** The wrapper that starts Temporal's time-skipping test server (unit tier). */
  timeSkippingServer: 'KYC_TEST_TIME_SKIPPING_SERVER',
  workflowBundle: 'KYC_TEST_WORKFLOW_BUNDLE',
} as const;

export function requiredTestEnv(name: (typeof TEST_ENV)[keyof typeof TEST_ENV]): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest, whose global setup sets it`);
  return value;
}
