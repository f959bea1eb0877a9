/**
 * The patch id of the rolling-deploy test's new build (test/cluster/rollout-workflows.ts): its own module,
 * so the test can look for the marker without loading workflow code, which runs only inside a worker.
 */
export const ROLLOUT_TEST_PATCH = 'rollout-test-final-timer-1';
