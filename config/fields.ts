import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';

/**
 * Every environment variable the project reads, defined once (architecture.md, "Contracts"). The worker, the
 * API and the CLI each take the part they need (see `roles.ts`); docker-compose.yml may set only these.
 */
const text = z.string().min(1);
const httpUrl = z.url({ protocol: /^https?$/ });
/** An endpoint path template such as `/v1/users/{userId}/kyc-import`. */
const pathTemplate = z.string().regex(/^\/\S*$/, 'must be a path starting with /');
const port = z.coerce.number().int().min(1).max(65_535);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false')
  .transform((value) => ['true', '1', 'yes'].includes(value));
/** A Temporal duration as operators write it: `30s`, `15m`, `1h`, `14d`. */
const DURATION = /^\d+(\.\d+)?(ms|s|m|h|d)$/;
/** Read as milliseconds, which every Temporal duration option accepts. */
const duration = z
  .string()
  .regex(DURATION, 'must be a duration such as 30s, 15m, 1h or 14d')
  .transform((value) => msToNumber(value as `${number}s`));
const durationList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()))
  .pipe(z.array(duration).min(1, 'must list at least one duration'));
/** `id:base64` of a 32-byte AES key; checked in full by the codec's key parser. */
const codecKey = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+:[A-Za-z0-9+/=]+$/, 'must be <keyId>:<base64 AES-256 key>');
const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

export const temporalFields = {
  TEMPORAL_ADDRESS: text.default('localhost:7233'),
  TEMPORAL_NAMESPACE: text.default('default'),
  TEMPORAL_TASK_QUEUE: text.default('kyc'),
  /** Temporal Cloud API key; implies TLS. */
  TEMPORAL_API_KEY: text.optional(),
  /** TLS without client certificates (e.g. a cluster behind a TLS proxy); implied by the other TLS settings. */
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CERT_PATH: text.optional(),
  TEMPORAL_TLS_KEY_PATH: text.optional(),
  TEMPORAL_TLS_CA_PATH: text.optional(),
  TEMPORAL_TLS_SERVER_NAME: text.optional(),
};

export const kriptomatFields = {
  KRIPTOMAT_BASE_URL: httpUrl,
  KRIPTOMAT_TOKEN: text.optional(),
  KRIPTOMAT_CLIENT_ID: text.optional(),
  KRIPTOMAT_CLIENT_SECRET: text.optional(),
  KRIPTOMAT_EMAIL: text.optional(),
  KRIPTOMAT_PASSWORD: text.optional(),
  KRIPTOMAT_TOTP_SECRET: text.optional(),
  KRIPTOMAT_LOGIN_PATH: pathTemplate.optional(),
  KRIPTOMAT_SHOW_USER_PATH: pathTemplate.optional(),
  KRIPTOMAT_IMPORT_PATH: pathTemplate.optional(),
  /** How long one Kriptomat call may go unanswered before it counts as a timeout (retried); default 15 s. */
  KRIPTOMAT_TIMEOUT: duration.optional(),
};

export const sumsubApiFields = {
  SUMSUB_BASE_URL: httpUrl.default('https://api.sumsub.com'),
  SUMSUB_APP_TOKEN: text,
  SUMSUB_SECRET_KEY: text,
  SUMSUB_LEVEL_NAME: text.default('basic-kyc-level'),
  /** Per process (worker or API); SumSub allows 300 GETs and 50 POSTs per 5 s per app token (partner-apis.md). */
  SUMSUB_GETS_PER_5S: z.coerce.number().int().min(1).max(300).default(270),
  SUMSUB_POSTS_PER_5S: z.coerce.number().int().min(1).max(50).default(45),
  /** How long one SumSub call may go unanswered before it counts as a timeout (retried); default 15 s. */
  SUMSUB_TIMEOUT: duration.optional(),
};

export const sumsubWorkerFields = {
  SUMSUB_PARTNER_CLIENT_ID: text,
  SUMSUB_SHARE_TOKEN_VARIANT: z.enum(['query', 'body']).default('query'),
  SUMSUB_SHARE_TOKEN_TTL_SECS: z.coerce.number().int().min(60).max(86_400).default(1200),
};

export const partnerFields = {
  PARTNER_WEBHOOK_URL: httpUrl.optional(),
  PARTNER_WEBHOOK_SECRET: text.optional(),
};

export const codecFields = {
  /** The current payload key, `keyId:base64`: encrypts new payloads and decodes its own. */
  KYC_CODEC_KEY: codecKey,
  /** Retired keys, comma-separated `keyId:base64`: decode only, so history written before a rotation reads. */
  KYC_CODEC_PREVIOUS_KEYS: csv.pipe(z.array(codecKey)).default([]),
};

export const observabilityFields = {
  /** pino levels; personal data and secrets are redacted at every level. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** The worker's Prometheus endpoint (`/metrics`): the SDK's metrics and the project's own. */
  KYC_METRICS_PORT: port.default(9464),
  /** The interface `/metrics` listens on: all of them, so Prometheus can reach a container. */
  KYC_METRICS_HOST: text.default('0.0.0.0'),
  /**
   * Loopback port of the Temporal SDK's own Prometheus listener, which `/metrics` reads and serves with the
   * project's metrics; a free port when unset. Set it only to scrape the SDK separately.
   */
  KYC_SDK_METRICS_PORT: port.optional(),
};

export const workerFields = {
  /**
   * Activities one worker runs at once. Each waits on at most one SumSub call, so this also bounds the
   * rate limiter's queue: 50 POSTs at 45 per 5 s leave within 6 s, well inside the 30 s activity timeouts.
   */
  KYC_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(50),
  /**
   * On SIGTERM, how long in-flight activities may run before they are cancelled: longer than one vendor
   * call's 15 s timeout, shorter than Kubernetes' default 30 s before it kills the pod.
   */
  KYC_SHUTDOWN_GRACE_TIME: duration.default(20_000),
  /**
   * Cases one worker keeps in memory between their tasks. A case no longer cached replays its short history
   * when it next wakes (a webhook, a poll), which costs little CPU; the SDK's own default, sized from the heap
   * limit (about 2,300 with Node's default heap), held 1.7 GiB with 10,000 cases waiting (bench/).
   */
  KYC_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
};

export const apiFields = {
  KYC_API_HOST: text.default('0.0.0.0'),
  KYC_API_PORT: port.default(8080),
  /** Bearer token of `/v1`, held by the partner's backend. */
  KYC_API_TOKEN: text.min(16, 'must be at least 16 characters'),
  SUMSUB_WEBHOOK_SECRET: text,
  /** Shared secret of `POST /webhooks/kriptomat`; without it that route refuses every call. */
  KRIPTOMAT_WEBHOOK_SECRET: text.optional(),
  /** Lifetime of the WebSDK access tokens the API mints. */
  SUMSUB_WEBSDK_TOKEN_TTL_SECS: z.coerce.number().int().min(60).max(86_400).default(1800),
  /** Bearer token of the codec endpoint; without it only loopback callers may decode. */
  KYC_CODEC_TOKEN: text.min(16, 'must be at least 16 characters').optional(),
  /** Browser origins allowed to call the codec endpoint: the Temporal UI's. */
  KYC_CODEC_CORS_ORIGINS: csv.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
};

export const timingFields = {
  KYC_POLL_SCHEDULE: durationList.optional(),
  KYC_REVIEW_POLL_INTERVAL: duration.optional(),
  KYC_USER_DEADLINE: duration.optional(),
  KYC_DECISION_DEADLINE: duration.optional(),
};

/** The one schema: every variable, as the roles read it. */
const ALL_FIELDS = {
  ...temporalFields,
  ...kriptomatFields,
  ...sumsubApiFields,
  ...sumsubWorkerFields,
  ...partnerFields,
  ...codecFields,
  ...observabilityFields,
  ...workerFields,
  ...apiFields,
  ...timingFields,
};

/** The names of every variable the project reads. */
export const CONFIG_VARIABLES = Object.keys(ALL_FIELDS) as (keyof typeof ALL_FIELDS)[];
