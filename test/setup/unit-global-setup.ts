import { resolveTimeSkippingServer } from '../../scripts/temporal-test-server';
import { TEST_ENV } from '../helpers/test-env';
import { allowLoopbackForTests, bundleWorkflowForTests } from './workflow-bundle';

/**
 * The unit tier's setup: no dev server, no browser. Workflow logic runs on Temporal's time-skipping test
 * server (found or fetched once, outside any test's timeout) from one workflow bundle.
 */
export default async function unitGlobalSetup(): Promise<void> {
  allowLoopbackForTests();
  process.env[TEST_ENV.timeSkippingServer] = await resolveTimeSkippingServer();
  await bundleWorkflowForTests();
}
