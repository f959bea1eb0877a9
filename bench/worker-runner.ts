import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { temporalConnectionSettings } from '../client/temporal-connection';
import type { WorkerConfig } from '../config';
import { loadWorkerConfig } from '../config';
import type { Logger } from '../observability/logger';
import { createLogger } from '../observability/logger';
import { reportFailure } from '../observability/report-failure';
import { installWorkerRuntime } from '../worker/runtime';
import type { WorkerRuntime } from '../worker/runtime';

/** What a bench worker process builds once the runtime is installed and Temporal is connected. */
export type BuildWorker = (
  connection: NativeConnection,
  config: WorkerConfig,
  runtime: WorkerRuntime & { logger: Logger },
) => Promise<{ worker: Worker; close?: () => Promise<void> }>;

/**
 * Runs a worker process the way worker/main.ts does (pino logs through the SDK runtime, its Prometheus
 * listener, a NativeConnection from the same settings) until SIGTERM or SIGINT, which the runtime turns into
 * a drain. Exits 1 with the reason on stderr if it cannot start.
 */
export function runWorkerProcess(service: string, build: BuildWorker): void {
  const main = async (): Promise<number> => {
    let logger: Logger | undefined;
    try {
      const config = loadWorkerConfig();
      logger = createLogger({ service, level: config.LOG_LEVEL });
      const runtime = await installWorkerRuntime({ logger, sdkMetricsPort: config.KYC_SDK_METRICS_PORT });
      const connection = await NativeConnection.connect(temporalConnectionSettings(config));
      try {
        const { worker, close } = await build(connection, config, { ...runtime, logger });
        logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker polling');
        await worker.run();
        await close?.();
      } finally {
        await connection.close();
      }
      return 0;
    } catch (error) {
      reportFailure(error, service, logger);
      return 1;
    }
  };
  void main().then((code) => process.exit(code));
}
