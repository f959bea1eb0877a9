/**
 * The parts `npm start` runs in its own process once Temporal is up: the worker, the API (with the webhooks
 * and the codec endpoint) and, in the sandbox, both simulators. Each part is returned with its stop.
 */
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { startApiServer } from '../api/api-process';
import { connectKycClient, temporalConnectionSettings } from '../client/temporal-connection';
import type { ApiConfig, WorkerConfig } from '../config';
import { loadApiConfig, loadWorkerConfig } from '../config';
import type { Logger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import type { HttpCallObserver } from '../observability/metrics-types';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import { startSandbox } from '../sandbox/start-sandbox';
import { createKycWorker } from '../worker/create-worker';

/** Cleanups run in reverse order when the engine stops. */
export type Cleanup = () => Promise<void>;

/** Short waits, so a sandbox case is decided in seconds; the environment may still set its own. */
const SANDBOX_TIMINGS = { KYC_POLL_SCHEDULE: '2s,5s,15s,1m', KYC_REVIEW_POLL_INTERVAL: '1m' };

/** Kriptomat's webhook URL at the API: the token is its credential (docs/vendor-apis.md, "Kriptomat webhook"). */
export function kriptomatWebhookUrl(apiUrl: string, token: string): string {
  return `${apiUrl}/webhooks/kriptomat/${token}`;
}

/**
 * Starts both simulators: SumSub delivers its webhooks to the API's `/webhooks/sumsub`, Kriptomat its own to
 * `/webhooks/kriptomat/<KRIPTOMAT_WEBHOOK_TOKEN>`.
 */
export async function startSimulators(
  apiUrl: string,
  ports: { kriptomat: number; sumsub: number },
  kriptomatWebhookToken: string,
) {
  return startSandbox({
    webhookUrl: `${apiUrl}/webhooks/sumsub`,
    kriptomatWebhookUrl: kriptomatWebhookUrl(apiUrl, kriptomatWebhookToken),
    reviewDelayMs: 3000,
    decisionDelayMs: 2000,
    kriptomatPort: ports.kriptomat,
    sumsubPort: ports.sumsub,
  });
}

/**
 * The worker's and the API's configuration: in the sandbox, the simulators' credentials; otherwise the
 * environment's (and `.env`'s) real ones, whose gaps the configuration errors name.
 */
export function engineConfigs(
  env: NodeJS.ProcessEnv,
  sandbox: RunningSandbox | null,
  local: Record<string, string>,
): { worker: WorkerConfig; api: ApiConfig } {
  const vendors = sandbox
    ? {
        ...sandbox.workerEnv,
        SUMSUB_WEBHOOK_SECRET: sandbox.sumsubWebhookSecret,
      }
    : {};
  const merged = { ...(sandbox && SANDBOX_TIMINGS), ...env, ...vendors, ...local };
  return { worker: loadWorkerConfig(merged), api: loadApiConfig(merged) };
}

/** The API on its port, over a client that also feeds the cases-by-phase metric. */
export async function startApi(
  config: ApiConfig,
  logger: Logger,
  sdkMetricsUrl: string,
  cleanups: Cleanup[],
): Promise<{ observeHttpCall: HttpCallObserver }> {
  const client = await connectKycClient(config);
  cleanups.push(() => client.connection.close());
  const metrics = createMetrics({ client, sdkMetricsUrl });
  const server = await startApiServer(config, { client, logger, metrics });
  cleanups.push(() => server.close());
  return { observeHttpCall: metrics.observeHttpCall };
}

/** The worker, connected but not yet running (the caller runs it: it is the engine's main task). */
export async function createEngineWorker(
  config: WorkerConfig,
  observer: HttpCallObserver,
  cleanups: Cleanup[],
): Promise<Worker> {
  const connection = await NativeConnection.connect(temporalConnectionSettings(config));
  cleanups.push(() => connection.close());
  return createKycWorker(connection, config, undefined, { observer });
}
