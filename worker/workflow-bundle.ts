import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FAILURE_CONVERTER_PATH } from '../codec';
import { WORKFLOWS_PATH } from './create-worker';

/** Webpack's chatter stays out of the output; its warnings and errors do not. */
const QUIET = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

/**
 * The engine's workflow code as one bundle, built the way a worker bundles it at start: from `workflows/`,
 * with the data converter's failure converter inside (the bundle cannot take it later, and without it the
 * failures a workflow raises would leave the worker unencrypted).
 */
export async function bundleEngineWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: QUIET,
  });
  return code;
}

/** Writes the bundle to `file` (its folder created), for `KYC_WORKFLOW_BUNDLE`. */
export async function writeWorkflowBundle(file: string): Promise<void> {
  const code = await bundleEngineWorkflows();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, code);
}
