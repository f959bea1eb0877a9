import type { Client } from '@temporalio/client';
import { readFile } from 'node:fs/promises';
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
 * The API as its process runs it (and `npm start` inside its own): the app over the real SumSub client and
 * the configured codec and timings, listening on `KYC_API_HOST:KYC_API_PORT`.
 */
export async function startApiServer(
  config: ApiConfig,
  { client, logger, metrics }: { client: Client; logger: Logger; metrics?: KycMetrics },
): Promise<RunningHttpServer> {
  const sumsub = sumsubClientFrom(config, { observer: metrics?.observeHttpCall });
  const app = createApp({
    client,
    config,
    timings: caseTimingsFromConfig(config),
    sumsub,
    codec: codecFromConfig(config),
    logger,
    metrics,
  });
  return serveApp(app, config.KYC_API_HOST, config.KYC_API_PORT, await tlsFiles(config));
}
