import { resolveChromium } from '../../scripts/chromium';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { TEST_ENV } from '../helpers/test-env';
import { allowLoopbackForTests, bundleWorkflowForTests } from './workflow-bundle';

/**
 * The integration tier's setup. Runs once before its test files, in the parent process: the environment
 * variables set here are inherited by Jest's workers, so every file reuses one CLI lookup and one workflow
 * bundle.
 */
export default async function globalSetup(): Promise<void> {
  allowLoopbackForTests();
  process.env[TEST_ENV.temporalCli] = await resolveTemporalCli();
  // Found, or installed once (a minute), here rather than inside a test's timeout: the UI check needs it.
  process.env.CHROMIUM_PATH = await resolveChromium();
  await bundleWorkflowForTests();
}
