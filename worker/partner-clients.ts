import type { ActivityDeps } from '../activities';
import { createKriptomatAuth } from '../activities/kriptomat/auth';
import { KriptomatClient } from '../activities/kriptomat/client';
import { PartnerWebhookNotifier } from '../activities/partner/webhook-notifier';
import { SumsubClient } from '../activities/sumsub/client';
import type { WorkerConfig } from '../config';

/** The real clients of Kriptomat, SumSub and the partner's webhook, as the configuration describes them. */
export function partnerClientsFrom(config: WorkerConfig): ActivityDeps {
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
  });
  return {
    kriptomat: new KriptomatClient({ baseUrl: config.KRIPTOMAT_BASE_URL, auth, paths: definedPaths }),
    sumsub: new SumsubClient({
      baseUrl: config.SUMSUB_BASE_URL,
      appToken: config.SUMSUB_APP_TOKEN,
      secretKey: config.SUMSUB_SECRET_KEY,
      shareTokenVariant: config.SUMSUB_SHARE_TOKEN_VARIANT,
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
          })
        : null,
  };
}
