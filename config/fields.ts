import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { PARTNER_WEBHOOK_FORMATS } from '../domain';

/**
 * Every environment variable the project reads, defined once (docs/reference/configuration.md). The worker,
 * the API and the CLI each take the part they need (see `roles.ts`); docker-compose.yml may set only these.
 */
/** The Worker Deployment of the engine's workers unless KYC_WORKER_DEPLOYMENT_NAME names another. */
export const DEFAULT_WORKER_DEPLOYMENT = 'kyc-orchestrator';
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
/** `id:base64` of a 32-byte AES key (the codec's key parser checks the same when it builds the keyring). */
const codecKey = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+:[A-Za-z0-9+/=]+$/, 'must be <keyId>:<base64 AES-256 key>')
  .refine(
    (spec) => Buffer.from(spec.slice(spec.indexOf(':') + 1), 'base64').length === 32,
    'the key must be exactly 32 bytes (AES-256), e.g. $(openssl rand -base64 32)',
  );
/**
 * A bearer secret the engine owns (generated for it, not issued by a vendor): long enough that guessing is
 * hopeless; `openssl rand -hex 32` makes one.
 */
const ownSecret = text.min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)');
/** A named API key: the name is what the audit trail records for its caller (`api.<name>`). */
export interface NamedApiKey {
  name: string;
  token: string;
}
/** The name of `KYC_API_TOKEN` among the named keys. */
export const DEFAULT_API_KEY_NAME = 'default';
const apiKeyName = /^[A-Za-z0-9_-]{1,48}$/;
/**
 * `name:token name2:token2`: several keys at once, so a key is rotated by adding the new one, moving the
 * caller, then removing the old. Names and tokens are each unique, `default` is `KYC_API_TOKEN`'s, and
 * every token is at least 32 characters. Errors name the key by its position, never show a token.
 */
const namedApiKeys = z.string().transform((value, ctx): NamedApiKey[] => {
  const keys: NamedApiKey[] = [];
  value
    .split(/\s+/)
    .filter(Boolean)
    .forEach((pair, index) => {
      const at = pair.indexOf(':');
      const [name, token] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      const place = `key ${index + 1}`;
      const problem = !apiKeyName.test(name)
        ? 'must be name:token, the name 1-48 letters, digits, _ or -'
        : name === DEFAULT_API_KEY_NAME
          ? `the name ${DEFAULT_API_KEY_NAME} is KYC_API_TOKEN's`
          : token.length < 32
            ? 'its token must be at least 32 characters'
            : keys.some((key) => key.name === name)
              ? `the name ${name} is used twice`
              : keys.some((key) => key.token === token)
                ? 'its token is used twice'
                : null;
      if (problem) ctx.addIssue({ code: 'custom', message: `${place}: ${problem}` });
      else keys.push({ name, token });
    });
  return keys;
});
/**
 * Whether an HMAC key that signs notifications to the partner is long enough: at least 24 bytes, given raw or
 * in the `whsec_<base64>` form of Standard Webhooks (whose decoded bytes are what count).
 */
function isWebhookSigningSecret(secret: string): boolean {
  if (!secret.startsWith('whsec_')) return Buffer.byteLength(secret, 'utf8') >= 24;
  const encoded = secret.slice('whsec_'.length);
  return /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && Buffer.from(encoded, 'base64').length >= 24;
}
const SIGNING_SECRET_RULE = 'must be at least 24 bytes, raw or as whsec_<base64 of at least 24 bytes>';
/**
 * The notification signing secrets, newest first, separated by spaces as Standard Webhooks separates the
 * signatures they make: a second secret is listed while the partner rolls it in, then the old one dropped.
 * An error names which secret of the list is wrong, never its value.
 */
const webhookSigningSecrets = text
  .transform((value) => value.trim().split(/\s+/))
  .superRefine((secrets, ctx) => {
    if (secrets.length > 3)
      ctx.addIssue({ code: 'custom', message: 'must list at most 3 secrets (newest first)' });
    secrets.forEach((secret, index) => {
      if (isWebhookSigningSecret(secret)) return;
      const which = secrets.length > 1 ? `secret ${index + 1} of ${secrets.length} ` : '';
      ctx.addIssue({ code: 'custom', message: `${which}${SIGNING_SECRET_RULE}` });
    });
  });
/** A header name a fronting proxy sets: one of its own, never one HTTP or the browser gives a meaning. */
const proxyHeaderName = z
  .string()
  .regex(/^[A-Za-z0-9-]+$/, 'must be a header name such as x-kyc-codec-auth')
  .transform((name) => name.toLowerCase())
  .refine(
    (name) => !['authorization', 'cookie', 'host', 'origin', 'content-type', 'content-length'].includes(name),
    'must be a header of its own, not one HTTP already gives a meaning',
  );
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
  /** The TOTP time step of the partner account: 30s (Google Authenticator's); shorter only for test accounts. */
  KRIPTOMAT_TOTP_PERIOD: duration.optional(),
  /**
   * How the login sends `client_id`: `auto` (default) as a JSON integer when the id is a whole number, as
   * Kriptomat's example does, else as a string; `string` or `integer` to force one (docs/vendor-apis.md).
   */
  KRIPTOMAT_CLIENT_ID_TYPE: z.enum(['auto', 'string', 'integer']).optional(),
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
  /**
   * Per process (worker or API); SumSub allows 300 GETs and 50 POSTs per 5 s per app token
   * (docs/vendor-apis.md, "SumSub requests").
   */
  SUMSUB_GETS_PER_5S: z.coerce.number().int().min(1).max(300).default(270),
  SUMSUB_POSTS_PER_5S: z.coerce.number().int().min(1).max(50).default(45),
  /** How long one SumSub call may go unanswered before it counts as a timeout (retried); default 15 s. */
  SUMSUB_TIMEOUT: duration.optional(),
};

export const sumsubWorkerFields = {
  /** Kriptomat's client id at SumSub: share tokens are minted for it (SumSub's `forClientId`). */
  SUMSUB_KRIPTOMAT_CLIENT_ID: text,
  SUMSUB_SHARE_TOKEN_VARIANT: z.enum(['query', 'body']).default('query'),
  SUMSUB_SHARE_TOKEN_TTL_SECS: z.coerce.number().int().min(60).max(86_400).default(1200),
};

/** The partner's notification endpoint: the partner registers it as a webhook, hence the names. */
export const partnerFields = {
  PARTNER_WEBHOOK_URL: httpUrl.optional(),
  PARTNER_WEBHOOK_SECRET: webhookSigningSecrets.optional(),
  PARTNER_WEBHOOK_FORMAT: z.enum(PARTNER_WEBHOOK_FORMATS).default('standard'),
};

/** Outbound HTTP to the vendors and the partner (vendors/http/outbound-policy.ts). */
export const outboundFields = {
  /**
   * Hosts (names or IP literals, comma-separated) the engine may reach over plain http and at loopback,
   * private or link-local addresses: the sandbox's `127.0.0.1,localhost`, or a partner inside the network.
   * Empty when unset: every vendor and partner URL must be https to a public address.
   */
  KYC_ALLOW_INSECURE_HOSTS: csv.optional(),
  /** The longest `Retry-After` a vendor can impose before the next attempt; 10m when unset. */
  KYC_MAX_RETRY_AFTER: duration.optional(),
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

/** `<keyId>:<base64 of 32 bytes>`: an Ed25519 seed or public key of the audit trail (audit/keys.ts). */
const auditKeySpec = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9+/=]+$/, 'must be <keyId>:<base64 of 32 bytes>')
  .refine(
    (spec) => Buffer.from(spec.slice(spec.indexOf(':') + 1), 'base64').length === 32,
    'the key must be exactly 32 bytes',
  );

/**
 * The audit trail's secrets and retention (audit/). The keys live outside its database: whoever holds the
 * database alone can neither link a record to a user id nor forge a chain head.
 */
export const auditFields = {
  /** HMAC key (base64, at least 32 bytes) that turns a user id into the lookup value of its subject row. */
  KYC_AUDIT_LOOKUP_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=]+$/, 'must be base64')
    .refine(
      (value) => Buffer.from(value, 'base64').length >= 32,
      'must be at least 32 bytes (openssl rand -base64 32)',
    )
    .optional(),
  /** The Ed25519 key that signs new chain heads, `<keyId>:<base64 32-byte seed>`. */
  KYC_AUDIT_SIGNING_KEY: auditKeySpec.optional(),
  /** Retired public keys whose signatures still verify, space-separated `<keyId>:<base64>`. */
  KYC_AUDIT_VERIFY_KEYS: z
    .string()
    .transform((value) => value.trim().split(/\s+/).filter(Boolean))
    .pipe(z.array(auditKeySpec))
    .optional(),
  /**
   * Where the embedded PostgreSQL (PGlite) keeps the trail when there is no `KYC_DATABASE_URL`: one process
   * opens it (`npm start` runs the worker and the API in one); other processes reach it through the API.
   */
  KYC_AUDIT_DATA_DIR: text.optional(),
  /** How long records are kept after the user's last case ended before an erasure destroys the key. */
  KYC_AUDIT_HOLD: z
    .string()
    .regex(/^\d{1,5}[yd]$/, 'must be whole years or days, such as 5y or 1826d')
    .transform((text) => {
      const n = Number(text.slice(0, -1));
      return text.endsWith('y') ? { years: n } : { days: n };
    })
    .optional(),
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
   * when it next wakes (a webhook, a read), which costs little CPU; the SDK's own default, sized from the heap
   * limit (about 2,300 with Node's default heap), holds 1.7 GiB with 10,000 cases waiting (bench/).
   */
  KYC_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
  /**
   * A workflow bundle built ahead (`npm run build` writes dist/workflow-bundle.js; the image sets it). Without
   * it the worker bundles `workflows/` with webpack at start, which takes seconds and leaves the process
   * holding about a hundred MiB more for as long as it runs (bench/, the watch measure).
   */
  KYC_WORKFLOW_BUNDLE: text.optional(),
  /**
   * The engine's own PostgreSQL (`postgres://user:password@host:port/database`). With it, every worker
   * process shares the vendors' limits (SumSub's request rate, Kriptomat's TOTP windows); without it each
   * process keeps its own, which is right for one worker and wrong for several.
   */
  KYC_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Worker Versioning: the deployment the worker belongs to, when `KYC_WORKER_BUILD_ID` is set. */
  KYC_WORKER_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 letters, digits, _ . or -')
    .default(DEFAULT_WORKER_DEPLOYMENT),
  /**
   * Worker Versioning: the version (build) of this worker's code. Set, the worker polls as that version of
   * `KYC_WORKER_DEPLOYMENT_NAME` and takes tasks only once the version is current (or ramping), so an old
   * and a new worker never share a case during a rolling deploy. Unset: unversioned, as on the dev server.
   */
  KYC_WORKER_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 letters, digits, _ . or -')
    .optional(),
  // Listed with the worker's: the worker writes the trail and destroys the keys whose hold ended.
  ...auditFields,
};

export const apiFields = {
  /**
   * The interface the API listens on: loopback by default. Any other needs TLS, its own
   * (`KYC_API_TLS_CERT_PATH`/`KYC_API_TLS_KEY_PATH`) or a proxy's (`KYC_API_BEHIND_TLS_PROXY`), or the bearer
   * token would cross the network in clear.
   */
  KYC_API_HOST: text.default('127.0.0.1'),
  KYC_API_PORT: port.default(8080),
  /**
   * A TLS-terminating proxy (Caddy in docker-compose.yml) forwards to the API: plain HTTP on a public address
   * is then allowed, and a loopback peer (the proxy itself, when it runs on the same host) is no longer
   * trusted to use the codec endpoint without a credential.
   */
  KYC_API_BEHIND_TLS_PROXY: flag.default(false),
  /** The API's own certificate chain and key (PEM files), for HTTPS without a proxy. */
  KYC_API_TLS_CERT_PATH: text.optional(),
  KYC_API_TLS_KEY_PATH: text.optional(),
  /** Bearer token of `/v1`, held by the partner's backend. */
  KYC_API_TOKEN: ownSecret,
  /** More bearer tokens of `/v1`, each named: see `namedApiKeys`. */
  KYC_API_KEYS: namedApiKeys.optional(),
  /**
   * The name `kyc` acts under (`cli.<name>` in the audit trail): its `--operator` wins, and without either the
   * OS user's name is used. Read by the CLI only.
   */
  KYC_OPERATOR: z
    .string()
    .regex(/^[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,47}$/, 'must be 1-48 letters, digits, _ . @ or -')
    .optional(),
  /**
   * Where `kyc` reaches the API (the audit trail and erasure go through it: under `npm start` the embedded
   * trail is open in the API's process only). Plain http only to this machine: the bearer token goes with it.
   */
  KYC_API_URL: httpUrl.default('http://127.0.0.1:8080'),
  /** Case starts (`PUT /v1/cases/{userId}`) one API key may make per minute, per API process. */
  KYC_API_CASE_STARTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  /** Requests one caller (API key, or codec credential) may make to `/v1` and `/codec` per minute, per process. */
  KYC_API_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  SUMSUB_WEBHOOK_SECRET: text,
  /**
   * The secret path segment of Kriptomat's webhook, `POST /webhooks/kriptomat/<token>`: Kriptomat signs
   * nothing, so the URL registered with it is the credential (docs/vendor-apis.md, "Kriptomat webhook").
   * Without it that route answers 404 to everything.
   */
  KRIPTOMAT_WEBHOOK_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters')
    .max(256)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be URL-safe: letters, digits, "_" and "-"')
    .optional(),
  /** Lifetime of the WebSDK access tokens the API mints. */
  SUMSUB_WEBSDK_TOKEN_TTL_SECS: z.coerce.number().int().min(60).max(86_400).default(1800),
  /** Bearer token of the codec endpoint; without any codec credential only loopback callers may decode. */
  KYC_CODEC_TOKEN: ownSecret.optional(),
  /**
   * Browser origins allowed to call the codec endpoint: the Temporal UI's. A request from any other origin is
   * refused (not just left without CORS headers: a simple POST reaches the server without a preflight).
   */
  KYC_CODEC_CORS_ORIGINS: csv.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
  /**
   * Host names (without port) the codec endpoint answers to besides localhost, 127.0.0.1 and ::1: a request
   * naming any other `Host` is refused, so a DNS-rebinding page cannot reach it under its own name.
   */
  KYC_CODEC_ALLOWED_HOSTS: csv
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be host names')))
    .default([]),
  /** A header a fronting proxy injects once it has authenticated the operator; with KYC_CODEC_PROXY_SECRET. */
  KYC_CODEC_PROXY_HEADER: proxyHeaderName.optional(),
  /** The value the proxy puts in KYC_CODEC_PROXY_HEADER. */
  KYC_CODEC_PROXY_SECRET: ownSecret.optional(),
};

/** Default timings of new cases; each case keeps the ones it started with. */
export const timingFields = {
  /** Gaps between reads of a user's Kriptomat status while the case waits for it; the last one repeats. */
  KYC_READ_SCHEDULE: durationList.optional(),
  /** Gap between reads of the SumSub review while the case waits for the user: the fallback for lost webhooks. */
  KYC_REVIEW_READ_INTERVAL: duration.optional(),
  KYC_USER_DEADLINE: duration.optional(),
  KYC_DECISION_DEADLINE: duration.optional(),
  /** How long a case parked in `needs_attention` waits for an operator before it ends `unresolved` (30d). */
  KYC_PARKED_DEADLINE: duration.optional(),
  /**
   * Waits (reads, webhooks) in one workflow run before the case continues as new (50): keeps each run's
   * history small. Lower only to exercise continue-as-new (the chaos run does).
   */
  KYC_WAITS_PER_RUN: z.coerce.number().int().min(1).max(1_000).optional(),
  /**
   * `true`: every new case asks for the watch of its user once approved (domain/watch.ts); otherwise only
   * cases whose start asks for it (`PUT /v1/cases/{userId}?watch=true`). Read where cases start: API and CLI.
   */
  KYC_WATCH_APPROVED: flag.default(false),
};

/** The one schema: every variable, as the roles read it. */
const ALL_FIELDS = {
  ...temporalFields,
  ...kriptomatFields,
  ...sumsubApiFields,
  ...sumsubWorkerFields,
  ...partnerFields,
  ...outboundFields,
  ...codecFields,
  ...observabilityFields,
  ...workerFields,
  ...apiFields,
  ...timingFields,
};

/** A variable the project reads. */
export type ConfigVariable = keyof typeof ALL_FIELDS;

/** The names of every variable the project reads (old names of renamed ones aside: config/renamed.ts). */
export const CONFIG_VARIABLES = Object.keys(ALL_FIELDS) as ConfigVariable[];

/**
 * What each variable means, for operators: docs/reference/configuration.md is generated from it (`npm run
 * docs`), so a variable cannot be added without its line there. Grouped as the field groups above. A
 * default the schema leaves to the code that reads the variable is named here, or in the page's generator.
 */
export const CONFIG_DESCRIPTIONS: Readonly<Record<ConfigVariable, string>> = {
  TEMPORAL_ADDRESS: 'Temporal frontend, `host:port`.',
  TEMPORAL_NAMESPACE: 'Temporal namespace.',
  TEMPORAL_TASK_QUEUE: 'Task queue of the case workflow.',
  TEMPORAL_API_KEY: 'Temporal Cloud API key; implies TLS.',
  TEMPORAL_TLS:
    '`true`: TLS without client certificates; `false`: no TLS whatever else is set. Unset: TLS when another TLS setting implies it.',
  TEMPORAL_TLS_CERT_PATH: 'Client certificate for mTLS (with `TEMPORAL_TLS_KEY_PATH`); implies TLS.',
  TEMPORAL_TLS_KEY_PATH: 'Private key of the client certificate (with `TEMPORAL_TLS_CERT_PATH`).',
  TEMPORAL_TLS_CA_PATH: 'CA certificate of the server, instead of the system roots; implies TLS.',
  TEMPORAL_TLS_SERVER_NAME:
    "Server name to verify (SNI) instead of the address's host, e.g. behind a proxy; implies TLS.",

  KRIPTOMAT_BASE_URL: 'Kriptomat partner API, e.g. `https://api.kriptomat.io`.',
  KRIPTOMAT_TOKEN: 'A static partner bearer token; without it, all five login variables are required.',
  KRIPTOMAT_CLIENT_ID: 'Partner login: client id (required without `KRIPTOMAT_TOKEN`).',
  KRIPTOMAT_CLIENT_SECRET: 'Partner login: client secret (required without `KRIPTOMAT_TOKEN`).',
  KRIPTOMAT_EMAIL: 'Partner login: the partner account (required without `KRIPTOMAT_TOKEN`).',
  KRIPTOMAT_PASSWORD: 'Partner login: its password (required without `KRIPTOMAT_TOKEN`).',
  KRIPTOMAT_TOTP_SECRET:
    'Partner login: base32 TOTP secret of the account, for the 6-digit `security_code` (required without `KRIPTOMAT_TOKEN`).',
  KRIPTOMAT_TOTP_PERIOD: 'TOTP time step of the partner account; `30s` when unset.',
  KRIPTOMAT_CLIENT_ID_TYPE:
    'How the login sends `client_id`: `auto` (when unset: a JSON integer if the id is a whole number, else a string), `string` or `integer`.',
  KRIPTOMAT_LOGIN_PATH: 'Moves the login endpoint.',
  KRIPTOMAT_SHOW_USER_PATH:
    'Moves the user endpoint; names the user once, as `{userId}`, `{user_id}`, `{user}` or `{id}`.',
  KRIPTOMAT_IMPORT_PATH: 'Moves the import endpoint; names the user once, as the user endpoint does.',
  KRIPTOMAT_TIMEOUT: 'How long one Kriptomat call may take in all before it is retried; `15s` when unset.',

  SUMSUB_BASE_URL: 'SumSub API.',
  SUMSUB_APP_TOKEN: 'SumSub app token (the CLI reads it only for `kyc token`).',
  SUMSUB_SECRET_KEY: 'Secret key of the app token; it signs every request.',
  SUMSUB_LEVEL_NAME: 'Verification level of new applicants and of WebSDK tokens.',
  SUMSUB_GETS_PER_5S: 'SumSub GETs one process may start per 5 s (SumSub allows 300 per app token).',
  SUMSUB_POSTS_PER_5S: 'SumSub POSTs one process may start per 5 s (SumSub allows 50 per app token).',
  SUMSUB_TIMEOUT: 'How long one SumSub call may take in all before it is retried; `15s` when unset.',

  SUMSUB_KRIPTOMAT_CLIENT_ID: "Kriptomat's client id at SumSub: share tokens are minted for it.",
  SUMSUB_SHARE_TOKEN_VARIANT: '`query` (the call Kriptomat documents) or `body`.',
  SUMSUB_SHARE_TOKEN_TTL_SECS: 'Lifetime of a share token in seconds, 60-86400 (it is used within seconds).',

  PARTNER_WEBHOOK_URL: 'Where case events are POSTed; unset, events are only logged.',
  PARTNER_WEBHOOK_SECRET:
    'HMAC key that signs the events: at least 24 bytes, raw or as `whsec_<base64>`. Required with the URL. While a new secret is rolled in, list both, newest first, separated by a space: each delivery carries a signature of each.',
  PARTNER_WEBHOOK_FORMAT:
    '`standard`: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`; `case.approved`, `case.rejected`, ... with a `{ type, timestamp, data }` body). `legacy`: the first contract (`x-kyc-signature` hex HMAC of the flat event, `case.completed`), for partners integrated with it.',

  KYC_ALLOW_INSECURE_HOSTS:
    'Hosts, comma-separated, reachable over plain http or at non-public addresses (sandbox: `127.0.0.1,localhost`). Unset: every vendor and partner URL must be https to a public address.',
  KYC_MAX_RETRY_AFTER: 'The longest vendor `Retry-After` honoured.',

  KYC_CODEC_KEY:
    'The current payload key, `<keyId>:<base64 of 32 bytes>`: encrypts new payloads and decrypts its own.',
  KYC_CODEC_PREVIOUS_KEYS: 'Retired keys, comma-separated `<keyId>:<base64>`: decrypt only.',

  LOG_LEVEL: '`trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`.',
  KYC_METRICS_PORT: "Port of the worker's `/metrics`.",
  KYC_METRICS_HOST: "Interface of the worker's `/metrics`.",
  KYC_SDK_METRICS_PORT:
    "Loopback port of the Temporal SDK's own Prometheus listener, re-served by `/metrics`; a free one when unset.",

  KYC_MAX_CONCURRENT_ACTIVITIES: 'Activities one worker runs at once (1-1000).',
  KYC_SHUTDOWN_GRACE_TIME: 'After SIGTERM, how long activities in flight may run before they are cancelled.',
  KYC_MAX_CACHED_WORKFLOWS:
    'Cases kept in memory between their tasks; the others replay their short history when they wake.',
  KYC_WORKFLOW_BUNDLE:
    'A workflow bundle built ahead (`npm run build` writes one into dist, the image sets it); unset: `workflows/` is bundled at start.',
  KYC_DATABASE_URL:
    "The engine's own PostgreSQL: vendor limits shared by every worker process (per process without it).",
  KYC_WORKER_DEPLOYMENT_NAME:
    'Worker Versioning: the deployment this worker belongs to (with `KYC_WORKER_BUILD_ID`).',
  KYC_WORKER_BUILD_ID:
    "Worker Versioning: the version of this worker's code; it takes tasks once that version is current. Unset: unversioned.",

  KYC_API_HOST: "Interface the API listens on; a non-loopback one needs TLS, the API's own or a proxy's.",
  KYC_API_PORT: 'Port the API listens on.',
  KYC_API_BEHIND_TLS_PROXY:
    '`true`: a TLS-terminating proxy forwards to the API; loopback peers then need a credential for `/codec`.',
  KYC_API_TLS_CERT_PATH: "The API's own certificate chain (PEM), for HTTPS without a proxy.",
  KYC_API_TLS_KEY_PATH: "Private key (PEM) of the API's certificate.",
  KYC_API_TOKEN:
    "Bearer token of `/v1`, held by the partner's backend (at least 32 characters); `kyc audit` and `kyc erase` send it too.",
  KYC_API_URL:
    'Where `kyc audit` and `kyc erase` reach the API (`npm start` serves it on the default); `http` only to this machine.',
  KYC_API_KEYS:
    'More bearer tokens of `/v1`, named: `name:token name2:token2` (each token at least 32 characters). The audit trail names each caller `api.<name>` (`KYC_API_TOKEN` is `default`); several at once let a key be rotated without downtime.',
  KYC_OPERATOR:
    "The operator name `kyc` records on cases it acts on (`cli.<name>` in the audit trail); `--operator` wins; default: the OS user's name.",
  KYC_API_CASE_STARTS_PER_MINUTE: 'Case starts one API key may make a minute, per API process (then 429).',
  KYC_API_REQUESTS_PER_MINUTE: '`/v1` and `/codec` requests one caller may make a minute, per API process.',
  SUMSUB_WEBHOOK_SECRET: 'The secret SumSub signs its webhooks with.',
  KRIPTOMAT_WEBHOOK_TOKEN:
    '`{token}` of `POST /webhooks/kriptomat/{token}` (24-256 URL-safe characters). Unset: that route answers 404.',
  SUMSUB_WEBSDK_TOKEN_TTL_SECS:
    'Lifetime in seconds of the WebSDK access tokens the API and `kyc token` mint, 60-86400.',
  KYC_CODEC_TOKEN: 'Bearer token of the codec endpoint (at least 32 characters).',
  KYC_CODEC_CORS_ORIGINS: "Browser origins (the Temporal UI's) allowed to call `/codec`, comma-separated.",
  KYC_CODEC_ALLOWED_HOSTS:
    'Host names `/codec` answers to besides `localhost`, `127.0.0.1` and `::1`, comma-separated.',
  KYC_CODEC_PROXY_HEADER:
    'A header an authenticating proxy injects for `/codec` (with `KYC_CODEC_PROXY_SECRET`).',
  KYC_CODEC_PROXY_SECRET: 'The value the proxy injects (at least 32 characters).',

  KYC_READ_SCHEDULE:
    'Gaps between Kriptomat reads in `awaiting_kriptomat`, comma-separated; the last repeats.',
  KYC_REVIEW_READ_INTERVAL:
    'Gap between SumSub review reads in `awaiting_user`: the fallback for lost webhooks.',
  KYC_USER_DEADLINE: 'How long the user may take at SumSub before the case expires.',
  KYC_DECISION_DEADLINE: 'How long Kriptomat may take to decide before the case expires.',
  KYC_PARKED_DEADLINE: 'How long a case waits in `needs_attention` before it ends `unresolved`.',
  KYC_WAITS_PER_RUN:
    'Waits in one workflow run before the case continues as new; lower only to exercise continue-as-new.',
  KYC_WATCH_APPROVED:
    '`true`: new cases start the watch of their user once approved (re-reads the Kriptomat status daily, then weekly, and sends `case.status_changed` when it moves); `npm start` turns it on. Otherwise only cases started with `?watch=true`.',

  KYC_AUDIT_LOOKUP_KEY:
    "Audit trail: HMAC key (base64, at least 32 bytes) that finds a user's records from the user id; kept outside the database, so the ids cannot be enumerated against it.",
  KYC_AUDIT_SIGNING_KEY:
    'Audit trail: the Ed25519 key that signs each chain head, `<keyId>:<base64 of the 32-byte seed>`; kept outside the database.',
  KYC_AUDIT_VERIFY_KEYS:
    'Audit trail: retired public keys, space-separated `<keyId>:<base64 of 32 bytes>`, whose signatures still verify after a rotation.',
  KYC_AUDIT_DATA_DIR:
    'Directory of the embedded PostgreSQL (PGlite) that keeps the trail when `KYC_DATABASE_URL` is unset; `npm start` uses `.data/audit`. Only the process that opens it reads it; others go through the API.',
  KYC_AUDIT_HOLD:
    "Audit trail: how long records are kept after the user's last case ended before an erasure destroys the user's key (`5y` or `1826d`); `5y` when unset.",
};
