import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api';
import type { ApiAppConfig, ApiDeps } from '../../api';
import { codecFromConfig, kycDataConverter } from '../../codec';
import type { KycCaseState } from '../../domain';
import type { ApiRequestRecord, KycMetrics } from '../../observability/metrics-types';
import { TEST_CODEC_CONFIG, codecClient } from '../helpers/codec';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { FAST_TIMINGS, startFakeCaseEnv } from '../helpers/fake-case-env';
import { memoryLogger } from '../helpers/memory-logger';
import { eventually } from '../helpers/temporal';

/** Secrets of the API tests: fake, and distinctive so leak checks can search the logs for them. */
export const API_TOKEN = 'api-token-under-test-DO-NOT-LEAK-1';
/** The path token of Kriptomat's webhook, `POST /webhooks/kriptomat/<token>` (24 to 256 URL-safe characters). */
export const KRIPTOMAT_WEBHOOK_TOKEN = 'kriptomat-path-token-DO-NOT-LEAK-2-0123456789';
export const SUMSUB_WEBHOOK_SECRET = 'sumsub-hook-secret-DO-NOT-LEAK-3';
export const WEBSDK_TOKEN_PREFIX = '_act-sbx-websdk-DO-NOT-LEAK-';

/** The API's configuration in tests (the task queue is the fake env's). */
export function apiConfig(taskQueue: string, overrides: Partial<ApiAppConfig> = {}): ApiAppConfig {
  return {
    KYC_API_TOKEN: API_TOKEN,
    SUMSUB_WEBHOOK_SECRET,
    KRIPTOMAT_WEBHOOK_TOKEN,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SUMSUB_LEVEL_NAME: 'basic-kyc-level',
    SUMSUB_WEBSDK_TOKEN_TTL_SECS: 900,
    KYC_CODEC_TOKEN: undefined,
    KYC_CODEC_CORS_ORIGINS: ['http://localhost:8233'],
    ...overrides,
  };
}

/** Records what the API reports, and renders a fixed exposition. */
export class FakeMetrics implements KycMetrics {
  readonly requests: ApiRequestRecord[] = [];
  readonly webhooks: { source: string; result: string }[] = [];
  observeHttpCall = (): void => undefined;
  observeApiRequest(request: ApiRequestRecord): void {
    this.requests.push(request);
  }
  observeWebhook(source: 'sumsub' | 'kriptomat', result: string): void {
    this.webhooks.push({ source, result });
  }
  render() {
    return Promise.resolve({ contentType: 'text/plain; version=0.0.4', body: 'kyc_api_requests_total 1\n' });
  }
}

/** A fake SumSub token endpoint that remembers its calls. */
export function fakeSumsub() {
  const calls: { userId: string; levelName: string; ttlSecs: number }[] = [];
  return {
    calls,
    createWebSdkAccessToken(userId: string, levelName: string, ttlSecs: number) {
      calls.push({ userId, levelName, ttlSecs });
      return Promise.resolve({ token: `${WEBSDK_TOKEN_PREFIX}${userId}`, userId });
    },
  };
}

export interface RequestOptions {
  body?: unknown;
  /** The bearer token sent; `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

/** The API over the real case workflow (fake partners) and a client that encrypts, as in production. */
export async function startApiEnv(name: string, overrides: Partial<ApiDeps> = {}) {
  const t: FakeCaseEnv = await startFakeCaseEnv(name, { dataConverter: kycDataConverter(TEST_CODEC_CONFIG) });
  const client: Client = codecClient(t.env);
  const metrics = new FakeMetrics();
  const logs = memoryLogger();
  const sumsub = fakeSumsub();
  const app = createApp({
    client,
    config: apiConfig(t.taskQueue),
    // Scheduled Kriptomat reads are an hour apart: only a recheck moves a case in awaiting_kriptomat.
    timings: { ...FAST_TIMINGS, pollSchedule: ['1h'] },
    sumsub,
    codec: codecFromConfig(TEST_CODEC_CONFIG),
    logger: logs.logger,
    metrics,
    ...overrides,
  });

  /** Sends a request as the partner's backend would (bearer token by default). */
  async function call(method: string, path: string, options: RequestOptions = {}) {
    const token = options.token === undefined ? API_TOKEN : options.token;
    const response = await app.request(path, {
      method,
      headers: {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : null) as Json,
    };
  }

  /** GETs the case until `done` holds, and answers that view. */
  const until = (userId: string, done: (view: CaseViewJson) => boolean, timeoutMs?: number) =>
    eventually(async () => {
      const { status, body } = await call('GET', `/v1/cases/${userId}`);
      const view = body as unknown as CaseViewJson;
      return status === 200 && done(view) ? view : undefined;
    }, timeoutMs);

  return { t, client, app, metrics, logs, sumsub, call, until, stop: () => t.stop() };
}

export type ApiEnv = Awaited<ReturnType<typeof startApiEnv>>;
/** A JSON answer, read loosely: each test asserts the fields it is about with `toMatchObject`. */
export type Json = Record<string, unknown>;
export type CaseViewJson = KycCaseState & { workflowStatus: string };

/**
 * The API app with nothing behind it: a lazy Temporal connection to a port where nothing listens. For what the
 * app answers by itself (the OpenAPI document, validation, health while Temporal is away). Close it after.
 */
export function appWithoutTemporal(overrides: Partial<ApiDeps> = {}, address = '127.0.0.1:1') {
  const connection = Connection.lazy({ address });
  const logs = memoryLogger();
  const app = createApp({
    client: new Client({ connection }),
    config: apiConfig('kyc'),
    timings: {},
    sumsub: fakeSumsub(),
    codec: codecFromConfig(TEST_CODEC_CONFIG),
    logger: logs.logger,
    ...overrides,
  });
  return { app, logs, close: () => connection.close() };
}
