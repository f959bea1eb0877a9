import { closeProcessVendorLimits } from '../vendors/limits';
import { loadApiConfig } from '../config';
import type { Logger } from '../observability/logger';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { reportFailure } from '../observability/report-failure';
import { connectKycClient } from '../client/temporal-connection';
import { startApiServer } from './api-process';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The API process: serves until SIGINT/SIGTERM, then stops taking requests and closes its connection. */
async function main(): Promise<number> {
  let logger: Logger | undefined;
  try {
    const config = loadApiConfig();
    logger = createLogger({ service: 'api', level: config.LOG_LEVEL });
    const client = await connectKycClient(config);
    // The API reports cases by phase: one set of visibility counts, however many workers run.
    const metrics = createMetrics({ client });
    const server = await startApiServer(config, { client, logger, metrics });
    logger.info({ url: server.url, temporal: config.TEMPORAL_ADDRESS }, 'API listening');
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      for (const name of STOP_SIGNALS) process.once(name, () => resolve(name));
    });
    logger.info({ signal }, 'stopping: finishing requests in flight');
    await server.close();
    await client.connection.close();
    await closeProcessVendorLimits();
    logger.info('API stopped');
    return 0;
  } catch (error) {
    reportFailure(error, 'API', logger);
    return 1;
  }
}

// process.exit: a stray keep-alive socket or native handle must not hold a stopped API open.
void main().then((code) => process.exit(code));
