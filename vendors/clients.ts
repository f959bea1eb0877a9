import { urlRefusal } from './http/destination-guard';
import { configureOutboundPolicy, outboundPolicy, policyFromVariables } from './http/outbound-policy';
import { createKriptomatAuth } from './kriptomat/auth';
import { KriptomatClient } from './kriptomat/client';
import { PartnerWebhookNotifier } from './partner/webhook-notifier';
import { SumsubClient } from './sumsub/client';
import { processSumsubLimiter } from './sumsub/rate-limit';
import { processVendorLimits } from './limits';
import type { ApiConfig, WorkerConfig } from '../config';
import { kriptomatLoginFrom } from '../config';
import { ConfigurationError } from '../domain';
import type { HttpCallObserver } from '../observability/metrics-types';

/** What the SumSub steps need to know besides the clients. */
export interface SumsubSettings {
  /** The SumSub verification level new applicants are created at. */
  levelName: string;
  /** Kriptomat's client id at SumSub: share tokens are minted for it. */
  kriptomatClientId: string;
  /** Lifetime of a share token; it is used within seconds of minting. */
  shareTokenTtlSecs: number;
}

/** The clients the activities talk through, built from the configuration. */
export interface VendorClients {
  kriptomat: KriptomatClient;
  sumsub: SumsubClient;
  sumsubSettings: SumsubSettings;
  /** Null when no partner webhook is configured: events are logged, not sent. */
  notifier: PartnerWebhookNotifier | null;
}

export interface VendorClientOptions {
  /** Told about every HTTP call of every client (the worker's metrics). */
  observer?: HttpCallObserver;
}

/**
 * The real clients of Kriptomat, SumSub and the partner's webhook, as the configuration describes them. SumSub
 * calls go through the process-wide limiter of the app token, so however many clients and cases a process
 * runs, it stays within `SUMSUB_GETS_PER_5S` and `SUMSUB_POSTS_PER_5S`. With `KYC_DATABASE_URL`, that limiter
 * and the Kriptomat login's TOTP windows are kept in the engine's PostgreSQL, so the limits hold across every
 * worker process using it (vendors/limits/), not per process.
 */
export function vendorClientsFrom(
  config: WorkerConfig,
  { observer }: VendorClientOptions = {},
): VendorClients {
  applyOutboundConfig(config, {
    KRIPTOMAT_BASE_URL: config.KRIPTOMAT_BASE_URL,
    SUMSUB_BASE_URL: config.SUMSUB_BASE_URL,
    PARTNER_WEBHOOK_URL: config.PARTNER_WEBHOOK_URL,
  });
  const paths = {
    login: config.KRIPTOMAT_LOGIN_PATH,
    showUser: config.KRIPTOMAT_SHOW_USER_PATH,
    importKyc: config.KRIPTOMAT_IMPORT_PATH,
  };
  const credentials = kriptomatLoginFrom(config);
  const auth = createKriptomatAuth({
    baseUrl: config.KRIPTOMAT_BASE_URL,
    accessToken: config.KRIPTOMAT_TOKEN,
    credentials,
    paths,
    timeoutMs: config.KRIPTOMAT_TIMEOUT,
    observer,
    // The login's TOTP windows: in the engine's database with KYC_DATABASE_URL, shared by every worker.
    limits: processVendorLimits(config.KYC_DATABASE_URL),
  });
  const [newest, ...older] = config.PARTNER_WEBHOOK_SECRET ?? [];
  return {
    kriptomat: new KriptomatClient({
      baseUrl: config.KRIPTOMAT_BASE_URL,
      auth,
      paths,
      timeoutMs: config.KRIPTOMAT_TIMEOUT,
      observer,
    }),
    // The outbound configuration is applied above, with SumSub's URL among the others.
    sumsub: limitedSumsubClient(config, observer),
    sumsubSettings: {
      levelName: config.SUMSUB_LEVEL_NAME,
      kriptomatClientId: config.SUMSUB_KRIPTOMAT_CLIENT_ID,
      shareTokenTtlSecs: config.SUMSUB_SHARE_TOKEN_TTL_SECS,
    },
    notifier:
      config.PARTNER_WEBHOOK_URL && newest
        ? new PartnerWebhookNotifier({
            url: config.PARTNER_WEBHOOK_URL,
            secrets: [newest, ...older],
            format: config.PARTNER_WEBHOOK_FORMAT,
            observer,
          })
        : null,
  };
}

/** What a SumSub client is built from: its account, its limits and the outbound settings. */
type SumsubClientConfig = Pick<
  WorkerConfig,
  'SUMSUB_BASE_URL' | 'SUMSUB_APP_TOKEN' | 'SUMSUB_SECRET_KEY' | 'SUMSUB_GETS_PER_5S' | 'SUMSUB_POSTS_PER_5S'
> &
  Partial<Pick<WorkerConfig, 'SUMSUB_SHARE_TOKEN_VARIANT' | 'SUMSUB_TIMEOUT' | 'KYC_DATABASE_URL'>> &
  Partial<Pick<ApiConfig, 'KYC_ALLOW_INSECURE_HOSTS' | 'KYC_MAX_RETRY_AFTER'>>;

/**
 * The SumSub client of this process, behind the process-wide limiter of its app token: the worker's
 * activities and the API's WebSDK tokens share one budget when they run in one process (`npm start`). With
 * `KYC_DATABASE_URL` (the worker's), the budget is shared with every process using that database.
 */
export function sumsubClientFrom(
  config: SumsubClientConfig,
  { observer }: VendorClientOptions = {},
): SumsubClient {
  applyOutboundConfig(config, { SUMSUB_BASE_URL: config.SUMSUB_BASE_URL });
  return limitedSumsubClient(config, observer);
}

/** The SumSub client behind the process-wide limiter, once the outbound configuration is applied. */
function limitedSumsubClient(config: SumsubClientConfig, observer?: HttpCallObserver): SumsubClient {
  const account = { baseUrl: config.SUMSUB_BASE_URL, appToken: config.SUMSUB_APP_TOKEN };
  const limits = { getsPer5s: config.SUMSUB_GETS_PER_5S, postsPer5s: config.SUMSUB_POSTS_PER_5S };
  return new SumsubClient({
    ...account,
    secretKey: config.SUMSUB_SECRET_KEY,
    shareTokenVariant: config.SUMSUB_SHARE_TOKEN_VARIANT,
    timeoutMs: config.SUMSUB_TIMEOUT,
    limiter: processSumsubLimiter(account, limits, processVendorLimits(config.KYC_DATABASE_URL)),
    observer,
  });
}

/**
 * Makes the configuration's outbound settings (`KYC_ALLOW_INSECURE_HOSTS`, `KYC_MAX_RETRY_AFTER`) the
 * process's, for every client built after it (vendors/http/outbound-policy.ts; unset ones keep the
 * environment's), and refuses to go on with a URL no call could ever reach: plain http, or a non-public IP
 * literal, for a host not allowed. Refused at start, the mistake is named once instead of failing every case.
 * Called once for each construction of clients, with every URL that construction reaches.
 */
export function applyOutboundConfig(
  config: Partial<Pick<ApiConfig, 'KYC_ALLOW_INSECURE_HOSTS' | 'KYC_MAX_RETRY_AFTER'>>,
  urls: Record<string, string | undefined>,
): void {
  if (config.KYC_ALLOW_INSECURE_HOSTS !== undefined || config.KYC_MAX_RETRY_AFTER !== undefined) {
    const { insecureHosts, maxRetryAfterMs } = policyFromVariables(config);
    configureOutboundPolicy({
      insecureHosts: config.KYC_ALLOW_INSECURE_HOSTS === undefined ? undefined : insecureHosts,
      maxRetryAfterMs: config.KYC_MAX_RETRY_AFTER === undefined ? undefined : maxRetryAfterMs,
    });
  }
  const policy = outboundPolicy();
  const problems = Object.entries(urls).flatMap(([name, url]) => {
    const refusal = url === undefined ? undefined : urlRefusal(url, policy);
    return refusal ? [`  ${name}: ${refusal} (KYC_ALLOW_INSECURE_HOSTS can allow the host)`] : [];
  });
  if (problems.length > 0) throw new ConfigurationError(`invalid configuration:\n${problems.join('\n')}`);
}
