import type { Client } from '@temporalio/client';
import { readFile } from 'node:fs/promises';
import { openAuditStore } from '../audit';
import { codecFromConfig } from '../codec';
import type { ApiConfig } from '../config';
import type { Logger } from '../observability/logger';
import type { KycMetrics } from '../observability/metrics-types';
import { sumsubClientFrom } from '../vendors/clients';
import { caseTimingsFromConfig } from '../client/case-timings';
import { createApp } from './create-app';
import type { RunningHttpServer, TlsFiles } from './serve-app';
import { serveApp } from './serve-app';

/**
 * The API's own certificate and key, when configured. The configuration refuses a non-loopback address without
 * them unless a TLS proxy is in front (`KYC_API_BEHIND_TLS_PROXY`).
 */
async function tlsFiles(config: ApiConfig): Promise<TlsFiles | undefined> {
  if (!config.KYC_API_TLS_CERT_PATH || !config.KYC_API_TLS_KEY_PATH) return undefined;
  const [cert, key] = await Promise.all([
    readFile(config.KYC_API_TLS_CERT_PATH),
    readFile(config.KYC_API_TLS_KEY_PATH),
  ]);
  return { cert, key };
}

/**
 * The API as its process runs it (and `npm start` inside its own): the app over the real SumSub client, the
 * configured codec and timings and the audit trail (when its keys are set), listening on
 * `KYC_API_HOST:KYC_API_PORT`. Closing the server lets go of the trail too.
 */
export async function startApiServer(
  config: ApiConfig,
  { client, logger, metrics }: { client: Client; logger: Logger; metrics?: KycMetrics },
): Promise<RunningHttpServer> {
  const sumsub = sumsubClientFrom(config, { observer: metrics?.observeHttpCall });
  // Under `npm start` the embedded trail is shared with the worker in the same process (audit/open.ts).
  const audit = await openAuditStore(config);
  const app = createApp({
    client,
    config,
    timings: caseTimingsFromConfig(config),
    sumsub,
    codec: codecFromConfig(config),
    logger,
    metrics,
    audit: audit?.trail ?? null,
  });
  try {
    const server = await serveApp(app, config.KYC_API_HOST, config.KYC_API_PORT, await tlsFiles(config));
    return {
      url: server.url,
      close: async () => {
        await server.close();
        await audit?.close();
      },
    };
  } catch (error) {
    await audit?.close();
    throw error;
  }
}
