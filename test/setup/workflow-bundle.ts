import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeWorkflowBundle } from '../../worker/workflow-bundle';
import { TEST_ENV } from '../helpers/test-env';

/**
 * Bundles the workflow code once for every test file of a run and hands its path to Jest's workers through
 * the environment they inherit.
 */
export async function bundleWorkflowForTests(): Promise<void> {
  // Both tiers' setups run in one `npm test`: the second reuses the first one's bundle.
  if (process.env[TEST_ENV.workflowBundle]) return;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-jest-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath);
  process.env[TEST_ENV.workflowBundle] = bundlePath;
}

/** Removes the bundle `bundleWorkflowForTests` wrote. */
export async function removeWorkflowBundle(): Promise<void> {
  const bundlePath = process.env[TEST_ENV.workflowBundle];
  if (bundlePath) await rm(path.dirname(bundlePath), { recursive: true, force: true });
}

/**
 * The simulators and test servers listen on plain http at loopback, which the engine refuses unless a host is
 * allowed; tests of that refusal set their own policy.
 */
export function allowLoopbackForTests(): void {
  process.env.KYC_ALLOW_INSECURE_HOSTS ??= '127.0.0.1,localhost';
}
