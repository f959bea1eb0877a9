/**
 * The settings of an engine's workers and APIs, one rule for every stack: in the sandbox, the simulators'
 * credentials and short waits; otherwise the environment's (and `.env`'s) real ones, whose gaps the
 * configuration errors name. The stack's own values (addresses, secrets) win over both.
 */
import type { ApiConfig, WorkerConfig } from '../config';
import { loadApiConfig, loadWorkerConfig } from '../config';
import type { RunningSandbox } from '../sandbox/start-sandbox';

/** Short waits, so a sandbox case is decided in seconds; the environment may still set its own. */
const SANDBOX_TIMINGS = { KYC_READ_SCHEDULE: '2s,5s,15s,1m', KYC_REVIEW_READ_INTERVAL: '1m' };

function engineSettings(
  env: NodeJS.ProcessEnv,
  sandbox: RunningSandbox | null,
  local: Record<string, string>,
): NodeJS.ProcessEnv {
  const vendors = sandbox ? { ...sandbox.workerEnv, SUMSUB_WEBHOOK_SECRET: sandbox.sumsubWebhookSecret } : {};
  return { ...(sandbox && SANDBOX_TIMINGS), ...env, ...vendors, ...local };
}

/** The configuration of a worker and an API run in this process (`npm start`). */
export function engineConfigs(
  env: NodeJS.ProcessEnv,
  sandbox: RunningSandbox | null,
  local: Record<string, string>,
): { worker: WorkerConfig; api: ApiConfig } {
  const settings = engineSettings(env, sandbox, local);
  return { worker: loadWorkerConfig(settings), api: loadApiConfig(settings) };
}

/**
 * The environment of every worker and API process (`npm run cluster`), checked once here so that a missing
 * setting is named before the processes fail on it one by one.
 */
export function engineEnvironment(
  env: NodeJS.ProcessEnv,
  sandbox: RunningSandbox | null,
  local: Record<string, string>,
): Record<string, string> {
  const settings = engineSettings(env, sandbox, local);
  // The simulators are plain http on loopback, which the outbound policy refuses unless allowed; an
  // operator's own list wins.
  if (sandbox && env.KYC_ALLOW_INSECURE_HOSTS !== undefined)
    settings.KYC_ALLOW_INSECURE_HOSTS = env.KYC_ALLOW_INSECURE_HOSTS;
  loadWorkerConfig(settings);
  loadApiConfig(settings);
  return Object.fromEntries(
    Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Any engine setting: a tool's own engine processes never inherit one from the caller's shell. */
const ENGINE_SETTING = /^(KYC_|KRIPTOMAT_|SUMSUB_|TEMPORAL_|PARTNER_|LOG_LEVEL$)/;

/**
 * The caller's environment without the engine's settings, for the processes a run starts (the bench's, the
 * chaos run's, a test's): a developer's real credentials or `.env` choices must never reach them.
 */
export function withoutEngineSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !ENGINE_SETTING.test(entry[0]),
    ),
  );
}
