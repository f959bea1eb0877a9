import { Runtime } from '@temporalio/worker';
import type { Logger } from '../observability/logger';
import { sdkLogger } from '../observability/logger';
import { freeLoopbackPort } from './free-port';

export interface WorkerRuntimeOptions {
  /** Where the SDK's logs go: worker, workflow and activity logs, and the native core's, in one stream. */
  logger: Logger;
  /** Loopback port of the SDK's Prometheus listener; a free one when unset. */
  sdkMetricsPort?: number;
  /**
   * Signals on which the runtime stops every Worker (the SDK's default set when unset). `npm start` passes
   * `[]` and stops its parts itself, in order.
   */
  shutdownSignals?: NodeJS.Signals[];
}

export interface WorkerRuntime {
  /** Where the SDK serves its Prometheus text, for `createMetrics({ sdkMetricsUrl })` to re-serve. */
  sdkMetricsUrl: string;
}

/**
 * Installs the Temporal runtime of this process: the SDK logs through pino and exports its metrics on a
 * loopback Prometheus listener. Once per process, before any Worker or NativeConnection exists (the SDK
 * refuses a second install), which is why it is a function the worker's main calls rather than a module side
 * effect: tests install their own runtime. Its default shutdown signals (SIGINT, SIGTERM, ...) make every
 * running Worker stop polling and drain.
 */
export async function installWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  // The SDK's listener takes a fixed address, not port 0.
  const port = options.sdkMetricsPort ?? (await freeLoopbackPort());
  // Loopback only: the worker's own /metrics is the one endpoint operators expose.
  const bindAddress = `127.0.0.1:${port}`;
  Runtime.install({
    logger: sdkLogger(options.logger),
    ...(options.shutdownSignals && { shutdownSignals: options.shutdownSignals }),
    telemetryOptions: {
      // Forwarded so the native core's warnings reach the same JSON stream instead of raw stderr.
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      metrics: { prometheus: { bindAddress } },
    },
  });
  return { sdkMetricsUrl: `http://${bindAddress}/metrics` };
}
