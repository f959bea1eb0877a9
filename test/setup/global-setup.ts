import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FAILURE_CONVERTER_PATH } from '../../codec';
import { resolveChromium } from '../../scripts/chromium';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { TEST_ENV } from '../helpers/test-env';

/**
 * Runs once before all test files, in the parent process: the environment variables set here are inherited
 * by Jest's workers, so every file reuses one CLI lookup and one workflow bundle.
 */
export default async function globalSetup(): Promise<void> {
  // The simulators and test servers listen on plain http at loopback, which the engine refuses unless a host
  // is allowed; tests of that refusal set their own policy.
  process.env.KYC_ALLOW_INSECURE_HOSTS ??= '127.0.0.1,localhost';
  process.env[TEST_ENV.temporalCli] = await resolveTemporalCli();
  // Found, or installed once (a minute), here rather than inside a test's timeout: the UI check needs it.
  process.env.CHROMIUM_PATH = await resolveChromium();
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    // As the worker bundles it from its data converter: failures the workflow raises are encoded too.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-jest-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  await writeFile(bundlePath, code);
  process.env[TEST_ENV.workflowBundle] = bundlePath;
}
