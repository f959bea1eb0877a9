import type { ActivityDeps } from '../activities';
import { createKriptomatAuth } from '../activities/kriptomat/auth';
import { KriptomatClient } from '../activities/kriptomat/client';
import { PartnerWebhookNotifier } from '../activities/partner/webhook-notifier';
import { SumsubClient } from '../activities/sumsub/client';
import { processSumsubLimiter } from '../activities/sumsub/rate-limit';
import type { WorkerConfig } from '../config';
import type { HttpCallObserver } from '../observability/metrics-types';

export interface PartnerClientOptions {
  /** Told about every HTTP call of every client (the worker's metrics). */
  observer?: HttpCallObserver;
}

/**
 * The real clients of Kriptomat, SumSub and the partner's webhook, as the configuration describes them. SumSub
 * calls go through the process-wide limiter of the app token, so however many clients and cases a process
 * runs, it stays within `SUMSUB_GETS_PER_5S` and `SUMSUB_POSTS_PER_5S`.
 */
export function partnerClientsFrom(
  config: WorkerConfig,
  { observer }: PartnerClientOptions = {},
): ActivityDeps {
  const paths = {
    login: config.KRIPTOMAT_LOGIN_PATH,
    showUser: config.KRIPTOMAT_SHOW_USER_PATH,
    importKyc: config.KRIPTOMAT_IMPORT_PATH,
  };
  const definedPaths = Object.fromEntries(Object.entries(paths).filter(([, path]) => path !== undefined));
  const credentials =
    config.KRIPTOMAT_CLIENT_ID &&
    config.KRIPTOMAT_CLIENT_SECRET &&
    config.KRIPTOMAT_EMAIL &&
    config.KRIPTOMAT_PASSWORD &&
    config.KRIPTOMAT_TOTP_SECRET
      ? {
          clientId: config.KRIPTOMAT_CLIENT_ID,
          clientSecret: config.KRIPTOMAT_CLIENT_SECRET,
          email: config.KRIPTOMAT_EMAIL,
          password: config.KRIPTOMAT_PASSWORD,
          totpSecret: config.KRIPTOMAT_TOTP_SECRET,
        }
      : undefined;
  const auth = createKriptomatAuth({
    baseUrl: config.KRIPTOMAT_BASE_URL,
    accessToken: config.KRIPTOMAT_TOKEN,
    credentials,
    paths: definedPaths,
    observer,
  });
  const sumsubAccount = { baseUrl: config.SUMSUB_BASE_URL, appToken: config.SUMSUB_APP_TOKEN };
  const limits = { getsPer5s: config.SUMSUB_GETS_PER_5S, postsPer5s: config.SUMSUB_POSTS_PER_5S };
  return {
    kriptomat: new KriptomatClient({
      baseUrl: config.KRIPTOMAT_BASE_URL,
      auth,
      paths: definedPaths,
      observer,
    }),
    sumsub: new SumsubClient({
      ...sumsubAccount,
      secretKey: config.SUMSUB_SECRET_KEY,
      shareTokenVariant: config.SUMSUB_SHARE_TOKEN_VARIANT,
      limiter: processSumsubLimiter(sumsubAccount, limits),
      observer,
    }),
    sumsubSettings: {
      levelName: config.SUMSUB_LEVEL_NAME,
      partnerClientId: config.SUMSUB_PARTNER_CLIENT_ID,
      shareTokenTtlSecs: config.SUMSUB_SHARE_TOKEN_TTL_SECS,
    },
    notifier:
      config.PARTNER_WEBHOOK_URL && config.PARTNER_WEBHOOK_SECRET
        ? new PartnerWebhookNotifier({
            url: config.PARTNER_WEBHOOK_URL,
            secret: config.PARTNER_WEBHOOK_SECRET,
            observer,
          })
        : null,
  };
}
