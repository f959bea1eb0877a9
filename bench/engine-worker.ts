/**
 * The engine's worker for the benchmark: worker/main.ts's wiring (metrics, HTTP observer, createKycWorker
 * with the production workflow code and activities), except that the SumSub rate limiter is opened. The
 * simulator has no quota, and SumSub's real one (50 POSTs per 5 s per app token, of which the limiter takes
 * 45) would cap onboarding at 4.5 cases a second whatever the engine does: the bench measures the engine.
 */
import { createMetrics } from '../observability/metrics';
import { createKycWorker } from '../worker/create-worker';
import { startMetricsServer } from '../worker/metrics-server';
import { runWorkerProcess } from './worker-runner';

/** Set by the bench when it runs with the quota opened (`--sumsub-quota open`, the default). */
const OPEN_QUOTA = process.env.BENCH_SUMSUB_QUOTA !== 'real';

runWorkerProcess('worker', async (connection, config, runtime) => {
  const metrics = createMetrics({ sdkMetricsUrl: runtime.sdkMetricsUrl });
  const server = await startMetricsServer(metrics, {
    port: config.KYC_METRICS_PORT,
    host: config.KYC_METRICS_HOST,
  });
  const tuned = OPEN_QUOTA ? { ...config, SUMSUB_GETS_PER_5S: 1e6, SUMSUB_POSTS_PER_5S: 1e6 } : config;
  const worker = await createKycWorker(connection, tuned, undefined, { observer: metrics.observeHttpCall });
  return { worker, close: () => server.close() };
});
