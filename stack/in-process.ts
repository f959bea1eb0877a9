/**
 * The worker and the API run inside the calling process (`npm start`): one process to stop with Ctrl-C.
 */
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { startApiServer } from '../api/api-process';
import { connectKycClient, temporalConnectionSettings } from '../client/temporal-connection';
import type { ApiConfig, WorkerConfig } from '../config';
import type { Logger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import type { HttpCallObserver } from '../observability/metrics-types';
import { openAuditStore } from '../audit';
import { createKycWorker, logAuditTrail } from '../worker/create-worker';
import type { Stack } from './stack';

/** The API on its port, over a client that also feeds the cases-by-phase metric. */
export async function startApi(
  stack: Stack,
  config: ApiConfig,
  logger: Logger,
  sdkMetricsUrl: string,
): Promise<{ observeHttpCall: HttpCallObserver }> {
  const client = await connectKycClient(config);
  stack.onStop("the API's connection", () => client.connection.close());
  const metrics = createMetrics({ client, sdkMetricsUrl });
  const server = await startApiServer(config, { client, logger, metrics });
  stack.onStop('the API', () => server.close());
  return { observeHttpCall: metrics.observeHttpCall };
}

/**
 * The worker, connected but not yet running (the caller runs it: it is the engine's main task), writing the
 * audit trail the settings describe (the embedded one shares its PGlite with the API in this process).
 */
export async function createEngineWorker(
  stack: Stack,
  config: WorkerConfig,
  observer: HttpCallObserver,
): Promise<Worker> {
  const audit = await openAuditStore(config);
  if (audit) stack.onStop("the worker's audit trail", () => audit.close());
  logAuditTrail(audit);
  const connection = await NativeConnection.connect(temporalConnectionSettings(config));
  stack.onStop("the worker's connection", () => connection.close());
  return createKycWorker(connection, config, undefined, { observer, audit: audit?.trail ?? null });
}
