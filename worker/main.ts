import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { openAuditStore } from '../audit';
import { closeProcessVendorLimits, PostgresVendorLimits, processVendorLimits } from '../vendors/limits';
import { temporalConnectionSettings } from '../client/temporal-connection';
import type { WorkerConfig } from '../config';
import { loadWorkerConfig } from '../config';
import type { Logger } from '../observability/logger';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { reportFailure } from '../observability/report-failure';
import { createKycWorker, logAuditTrail } from './create-worker';
import { startMetricsServer } from './metrics-server';
import { installWorkerRuntime } from './runtime';

/** Beyond this, a SumSub call queued behind the rate limit eats most of a 30 s activity timeout. */
const MAX_SUMSUB_QUEUE_WAIT_MS = 15_000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs the worker until SIGINT/SIGTERM: the SDK runtime then stops polling and lets in-flight activities
 * finish (`KYC_SHUTDOWN_GRACE_TIME`), after which the metrics server, the connection, the audit trail and the
 * vendor limit store's pool close.
 */
async function runWorker(config: WorkerConfig, logger: Logger): Promise<void> {
  warnAboutSumsubQueue(config, logger);
  const runtime = await installWorkerRuntime({ logger, sdkMetricsPort: config.KYC_SDK_METRICS_PORT });
  const metrics = createMetrics({ sdkMetricsUrl: runtime.sdkMetricsUrl });
  let worker: Worker | undefined;
  // The runtime's own handler does the stopping; this one says so, and ends a start that has nothing in
  // flight yet (a connection attempt to an unreachable cluster could otherwise outlive the signal). Both
  // are removed after the first signal, so a second one kills the process the usual way.
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
    logger.info({ signal }, worker ? 'stopping: no new tasks, finishing those in flight' : 'stopping');
    if (!worker) process.exit(0);
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  const server = await startMetricsServer(metrics, {
    port: config.KYC_METRICS_PORT,
    host: config.KYC_METRICS_HOST,
  });
  try {
    await prepareVendorLimits(config, logger);
    const audit = await openAuditStore(config);
    logAuditTrail(audit);
    const connection = await NativeConnection.connect(temporalConnectionSettings(config)).catch(
      async (error: unknown) => {
        await audit?.close();
        throw error;
      },
    );
    try {
      worker = await createKycWorker(connection, config, undefined, {
        observer: metrics.observeHttpCall,
        audit: audit?.trail ?? null,
      });
      // Not `address`: that field name is redacted as personal data.
      const where = { temporal: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE };
      logger.info({ ...where, taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: server.url }, 'worker polling');
      await worker.run();
    } finally {
      await connection.close();
      await audit?.close();
    }
  } finally {
    await server.close();
    await closeProcessVendorLimits();
  }
  logger.info('worker stopped');
}

/**
 * With `KYC_DATABASE_URL`, creates the shared store's tables before the first task. A database that does
 * not answer is not fatal: it is said here, and each SumSub call or Kriptomat login fails retryably until it
 * answers (the store tries again on every use), so no case is lost to it.
 */
async function prepareVendorLimits(config: WorkerConfig, logger: Logger): Promise<void> {
  const store = processVendorLimits(config.KYC_DATABASE_URL);
  if (!(store instanceof PostgresVendorLimits)) {
    logger.info('vendor limits kept per process (no KYC_DATABASE_URL): right for a single worker only');
    return;
  }
  try {
    await store.ready();
    logger.info('vendor limits shared through the engine database (KYC_DATABASE_URL)');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn(`${reason}; SumSub calls and Kriptomat logins fail and are retried until it answers`);
  }
}

/**
 * Every activity may wait on one SumSub POST; with few POSTs allowed, the last would wait too long. With
 * `KYC_DATABASE_URL` the POSTs allowed are shared by every worker, so the worst wait is this one times the
 * number of workers busy at once (which no worker knows): the warning is a floor there.
 */
function warnAboutSumsubQueue(config: WorkerConfig, logger: Logger): void {
  const windows = Math.ceil(config.KYC_MAX_CONCURRENT_ACTIVITIES / config.SUMSUB_POSTS_PER_5S);
  const worstWaitMs = (windows - 1) * 5_000;
  if (worstWaitMs > MAX_SUMSUB_QUEUE_WAIT_MS) {
    const advice = 'lower KYC_MAX_CONCURRENT_ACTIVITIES or raise SUMSUB_POSTS_PER_5S';
    logger.warn({ worstWaitMs }, `a SumSub call may queue for ${worstWaitMs / 1000} s: ${advice}`);
  }
}

/** 0 when the worker stopped as asked; 1 on a configuration error (named, without a stack) or a failure. */
async function main(): Promise<number> {
  let logger: Logger | undefined;
  try {
    const config = loadWorkerConfig();
    logger = createLogger({ service: 'worker', level: config.LOG_LEVEL });
    await runWorker(config, logger);
    return 0;
  } catch (error) {
    reportFailure(error, 'worker', logger);
    return 1;
  }
}

// process.exit, not a natural end: a stray handle (the native runtime, a keep-alive socket) must not keep a
// stopped worker's process alive past its shutdown.
void main().then((code) => process.exit(code));
