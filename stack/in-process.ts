/**
 * The worker and the API run inside the calling process (`npm start`): one process to stop with Ctrl-C. Each
 * part pushes its stop onto the caller's list, run in reverse order when the stack stops.
 */
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { startApiServer } from '../api/api-process';
import { connectKycClient, temporalConnectionSettings } from '../client/temporal-connection';
import type { ApiConfig, WorkerConfig } from '../config';
import type { Logger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import type { HttpCallObserver } from '../observability/metrics-types';
import { createKycWorker } from '../worker/create-worker';

/** Cleanups run in reverse order when the stack stops. */
export type Cleanup = () => Promise<void>;

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
