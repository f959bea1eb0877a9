import { rm } from 'node:fs/promises';
import path from 'node:path';
import { TEST_ENV } from '../helpers/test-env';

export default async function globalTeardown(): Promise<void> {
  const bundlePath = process.env[TEST_ENV.workflowBundle];
  if (bundlePath) await rm(path.dirname(bundlePath), { recursive: true, force: true });
}
