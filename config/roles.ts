import { z } from 'zod';
import {
  apiFields,
  codecFields,
  kriptomatFields,
  observabilityFields,
  partnerFields,
  sumsubApiFields,
  sumsubWorkerFields,
  temporalFields,
  timingFields,
  workerFields,
} from './fields';

/** The five variables of Kriptomat's partner login, all or none. */
export const KRIPTOMAT_LOGIN = [
  'KRIPTOMAT_CLIENT_ID',
  'KRIPTOMAT_CLIENT_SECRET',
  'KRIPTOMAT_EMAIL',
  'KRIPTOMAT_PASSWORD',
  'KRIPTOMAT_TOTP_SECRET',
] as const;

/** Kriptomat's partner login from its five variables, or `undefined` unless all five are set. */
export function kriptomatLoginFrom(vars: Partial<Record<(typeof KRIPTOMAT_LOGIN)[number], string>>) {
  return vars.KRIPTOMAT_CLIENT_ID &&
    vars.KRIPTOMAT_CLIENT_SECRET &&
    vars.KRIPTOMAT_EMAIL &&
    vars.KRIPTOMAT_PASSWORD &&
    vars.KRIPTOMAT_TOTP_SECRET
    ? {
        clientId: vars.KRIPTOMAT_CLIENT_ID,
        clientSecret: vars.KRIPTOMAT_CLIENT_SECRET,
        email: vars.KRIPTOMAT_EMAIL,
        password: vars.KRIPTOMAT_PASSWORD,
        totpSecret: vars.KRIPTOMAT_TOTP_SECRET,
      }
    : undefined;
}

type Check<T> = (config: T, ctx: z.RefinementCtx) => void;

/** A client certificate needs its key, and the other way round. */
const tlsPairs: Check<{ TEMPORAL_TLS_CERT_PATH?: string; TEMPORAL_TLS_KEY_PATH?: string }> = (
  config,
  ctx,
) => {
  if (Boolean(config.TEMPORAL_TLS_CERT_PATH) !== Boolean(config.TEMPORAL_TLS_KEY_PATH)) {
    const missing = config.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'mTLS needs both the certificate and its key' });
  }
};

/**
 * The worker: Temporal, both vendors, the partner's webhook, the codec and its metrics. Kriptomat takes
 * either a static token or the five login variables; every Kriptomat path can be moved, because the
 * documentation disagrees on prefixes.
 */
export const workerConfigSchema = z
  .object({
    ...temporalFields,
    ...kriptomatFields,
    ...sumsubApiFields,
    ...sumsubWorkerFields,
    ...partnerFields,
    ...codecFields,
    ...observabilityFields,
    ...workerFields,
  })
  .superRefine((config, ctx) => {
    tlsPairs(config, ctx);
    const missing = KRIPTOMAT_LOGIN.filter((name) => config[name] === undefined);
    if (!config.KRIPTOMAT_TOKEN) {
      for (const name of missing) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'required unless KRIPTOMAT_TOKEN is set' });
      }
    }
    if (config.PARTNER_WEBHOOK_URL && !config.PARTNER_WEBHOOK_SECRET) {
      const message = 'required when PARTNER_WEBHOOK_URL is set (events are signed)';
      ctx.addIssue({ code: 'custom', path: ['PARTNER_WEBHOOK_SECRET'], message });
    }
  });
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** The HTTP API: Temporal, the codec, SumSub (it mints WebSDK tokens) and the webhook secrets. */
export const apiConfigSchema = z
  .object({
    ...temporalFields,
    ...sumsubApiFields,
    ...codecFields,
    LOG_LEVEL: observabilityFields.LOG_LEVEL,
    ...apiFields,
    ...timingFields,
  })
  .superRefine(tlsPairs);
export type ApiConfig = z.infer<typeof apiConfigSchema>;

/** The `kyc` CLI: Temporal and the codec; SumSub only for `kyc token`. */
export const cliConfigSchema = z
  .object({
    ...temporalFields,
    ...codecFields,
    ...timingFields,
    SUMSUB_BASE_URL: sumsubApiFields.SUMSUB_BASE_URL,
    SUMSUB_APP_TOKEN: sumsubApiFields.SUMSUB_APP_TOKEN.optional(),
    SUMSUB_SECRET_KEY: sumsubApiFields.SUMSUB_SECRET_KEY.optional(),
    SUMSUB_LEVEL_NAME: sumsubApiFields.SUMSUB_LEVEL_NAME,
    SUMSUB_WEBSDK_TOKEN_TTL_SECS: apiFields.SUMSUB_WEBSDK_TOKEN_TTL_SECS,
  })
  .superRefine(tlsPairs);
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** What every role shares: where Temporal is and how to reach it. */
export type TemporalConfig = Pick<CliConfig, keyof typeof temporalFields>;
/** The payload keys. */
export type CodecConfig = Pick<CliConfig, keyof typeof codecFields>;
/** Default timings of new cases. */
export type TimingConfig = Pick<CliConfig, keyof typeof timingFields>;
