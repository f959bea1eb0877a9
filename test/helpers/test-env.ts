/** Variables global setup hands to the test files. */
export const TEST_ENV = {
  temporalCli: 'KYC_TEST_TEMPORAL_CLI',
  workflowBundle: 'KYC_TEST_WORKFLOW_BUNDLE',
} as const;

export function requiredTestEnv(name: (typeof TEST_ENV)[keyof typeof TEST_ENV]): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest, whose global setup sets it`);
  return value;
}
