import { TestWorkflowEnvironment } from '@temporalio/testing';
import { KYC_SEARCH_ATTRIBUTES } from '../../domain';
import { requiredTestEnv, TEST_ENV } from './test-env';

// The helpers a dev-server test uses with it; unit tests import them from their own modules, never this one.
export { eventually } from './eventually';
export { runInBackground, testWorkflowSource, uniqueTaskQueue } from './test-worker';

/**
 * A real Temporal dev server (the CLI global setup resolved, never a download) with the project's search
 * attributes registered. Tear it down in `afterAll`. Integration tier only.
 */
export async function startTestTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requiredTestEnv(TEST_ENV.temporalCli) },
      searchAttributes: [...KYC_SEARCH_ATTRIBUTES],
      ui: false,
      log: { level: 'warn', format: 'pretty' },
    },
  });
}
