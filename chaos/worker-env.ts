import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import { withoutEngineSettings } from '../stack/engine-env';
import { freeLoopbackPort } from '../worker/free-port';
import type { ChaosOptions } from './options';

/**
 * The worker's environment, built like the sandbox's (`npm start`) plus what a chaos run needs: a fresh
 * codec key, the vendors' HTTP timeout shortened so a hung call costs seconds, and its own metrics port.
 * Nothing is inherited from the caller's engine settings or `.env` (an empty `KYC_ENV_FILE`), so a developer's
 * real credentials can never reach the chaos.
 */
export async function workerEnv(
  options: ChaosOptions,
  sandbox: RunningSandbox,
  engine: Record<string, string>,
  dataDir: string,
): Promise<Record<string, string>> {
  const envFile = path.join(dataDir, 'empty.env');
  await writeFile(envFile, '');
  const timeout = `${options.vendorTimeoutMs}ms`;
  return {
    ...withoutEngineSettings(),
    ...sandbox.workerEnv,
    ...engine,
    KYC_ENV_FILE: envFile,
    KRIPTOMAT_TIMEOUT: timeout,
    SUMSUB_TIMEOUT: timeout,
    KYC_METRICS_HOST: '127.0.0.1',
    KYC_METRICS_PORT: String(await freeLoopbackPort()),
    KYC_SHUTDOWN_GRACE_TIME: '5s',
    LOG_LEVEL: 'info',
  };
}
