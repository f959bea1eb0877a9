import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { AuditTrail } from '../audit';
import type { SumsubClient } from '../vendors/sumsub/client';
import type { ApiConfig } from '../config';
import type { CaseTimings } from '../domain';
import type { Logger } from '../observability/logger';
import type { KycMetrics } from '../observability/metrics-types';
import type { PeerCheck } from './codec-server';

/**
 * The part of the API's configuration the app reads (ports and Temporal's address belong to the process). The
 * caller-limit and codec settings may be left out: the configuration's defaults then apply.
 */
export type ApiAppConfig = Pick<
  ApiConfig,
  | 'KYC_API_TOKEN'
  | 'SUMSUB_WEBHOOK_SECRET'
  | 'TEMPORAL_TASK_QUEUE'
  | 'SUMSUB_LEVEL_NAME'
  | 'SUMSUB_WEBSDK_TOKEN_TTL_SECS'
  | 'KYC_CODEC_TOKEN'
  | 'KYC_CODEC_CORS_ORIGINS'
> &
  Partial<
    Pick<
      ApiConfig,
      | 'KYC_API_BEHIND_TLS_PROXY'
      | 'KYC_API_KEYS'
      | 'KYC_WATCH_APPROVED'
      | 'KYC_API_CASE_STARTS_PER_MINUTE'
      | 'KYC_API_REQUESTS_PER_MINUTE'
      | 'KYC_CODEC_ALLOWED_HOSTS'
      | 'KYC_CODEC_PROXY_HEADER'
      | 'KYC_CODEC_PROXY_SECRET'
      | 'KRIPTOMAT_WEBHOOK_TOKEN'
    >
  >;

/**
 * How long a request may wait on Temporal before the API gives up with 503. An outage would otherwise hold
 * each request through the SDK's own retries (about 20 s); SumSub gives a webhook 5 s.
 */
export interface ApiTimeouts {
  /** Every `/v1` call but the recheck. */
  temporalMs: number;
  /** The recheck update waits for a look at Kriptomat or SumSub, which may itself retry. */
  recheckMs: number;
  /** Both webhooks. */
  webhookMs: number;
  /** `/readyz`. */
  readinessMs: number;
}

export const DEFAULT_API_TIMEOUTS: ApiTimeouts = {
  temporalMs: 10_000,
  recheckMs: 30_000,
  webhookMs: 4_000,
  readinessMs: 2_000,
};

/** What `createApp` is built from: real clients in the API process, fakes in tests. */
export interface ApiDeps {
  /** A Temporal client carrying the codec data converter. */
  client: Client;
  config: ApiAppConfig;
  /** Default timings of new cases. */
  timings: Partial<CaseTimings>;
  sumsub: Pick<SumsubClient, 'createWebSdkAccessToken'>;
  /** The payload codec the codec endpoint serves (the one in the client's data converter). */
  codec: PayloadCodec;
  logger: Logger;
  /** Without it `/metrics` answers 404 and nothing is counted. */
  metrics?: KycMetrics;
  timeouts?: Partial<ApiTimeouts>;
  /**
   * The audit trail the API serves and erases from; null or left out when none is configured (the audit
   * routes then answer 503).
   */
  audit?: AuditTrail | null;
  /** Decides whether a codec caller is on this machine (when no codec token is set); tests inject it. */
  isLoopbackPeer?: PeerCheck;
}
