import { z } from 'zod';
import { isLoopbackHost } from '../domain';
import {
  apiFields,
  codecFields,
  kriptomatFields,
  observabilityFields,
  outboundFields,
  partnerFields,
  sumsubApiFields,
  sumsubWorkerFields,
  temporalFields,
  timingFields,
  workerFields,
  auditFields,
} from './fields';
import { readingRenamed } from './renamed';

/** The five variables of Kriptomat's partner login, all or none. */
export const KRIPTOMAT_LOGIN = [
  'KRIPTOMAT_CLIENT_ID',
  'KRIPTOMAT_CLIENT_SECRET',
  'KRIPTOMAT_EMAIL',
  'KRIPTOMAT_PASSWORD',
  'KRIPTOMAT_TOTP_SECRET',
] as const;

/** Kriptomat's partner login from its five variables, or `undefined` unless all five are set. */
export function kriptomatLoginFrom(
  vars: Partial<Record<(typeof KRIPTOMAT_LOGIN)[number], string>> & {
    KRIPTOMAT_CLIENT_ID_TYPE?: 'auto' | 'string' | 'integer';
    /** Milliseconds, as the configuration parses durations. */
    KRIPTOMAT_TOTP_PERIOD?: number;
  },
) {
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
        clientIdAs: vars.KRIPTOMAT_CLIENT_ID_TYPE,
        ...(vars.KRIPTOMAT_TOTP_PERIOD && {
          totpPeriodSeconds: Math.max(1, Math.round(vars.KRIPTOMAT_TOTP_PERIOD / 1000)),
        }),
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

interface ApiExposure {
  KYC_API_HOST: string;
  KYC_API_BEHIND_TLS_PROXY: boolean;
  KYC_API_TLS_CERT_PATH?: string;
  KYC_API_TLS_KEY_PATH?: string;
  KYC_CODEC_PROXY_HEADER?: string;
  KYC_CODEC_PROXY_SECRET?: string;
}

/**
 * The API carries a bearer token on every call: off loopback it listens only with TLS, its own or that of a
 * proxy in front. Its certificate needs its key; the codec's proxy header needs its secret.
 */
const apiExposure: Check<ApiExposure> = (config, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (Boolean(config.KYC_API_TLS_CERT_PATH) !== Boolean(config.KYC_API_TLS_KEY_PATH)) {
    const missing = config.KYC_API_TLS_CERT_PATH ? 'KYC_API_TLS_KEY_PATH' : 'KYC_API_TLS_CERT_PATH';
    issue(missing, 'the API certificate needs both the certificate and its key');
  }
  const ownTls = Boolean(config.KYC_API_TLS_CERT_PATH && config.KYC_API_TLS_KEY_PATH);
  if (!isLoopbackHost(config.KYC_API_HOST) && !ownTls && !config.KYC_API_BEHIND_TLS_PROXY) {
    issue(
      'KYC_API_HOST',
      'a non-loopback address needs TLS: set KYC_API_TLS_CERT_PATH and KYC_API_TLS_KEY_PATH, or ' +
        'KYC_API_BEHIND_TLS_PROXY=true when a TLS-terminating proxy forwards to the API',
    );
  }
  if (Boolean(config.KYC_CODEC_PROXY_HEADER) !== Boolean(config.KYC_CODEC_PROXY_SECRET)) {
    const missing = config.KYC_CODEC_PROXY_HEADER ? 'KYC_CODEC_PROXY_SECRET' : 'KYC_CODEC_PROXY_HEADER';
    issue(missing, 'the codec proxy header needs both its name and its secret');
  }
};

/**
 * The worker: Temporal, both vendors, the partner's notification endpoint, the codec and its metrics.
 * Kriptomat takes either a static token or the five login variables; every Kriptomat path can be moved,
 * because the documentation disagrees on prefixes.
 */
export const workerConfigSchema = readingRenamed(
  z
    .object({
      ...temporalFields,
      ...kriptomatFields,
      ...sumsubApiFields,
      ...sumsubWorkerFields,
      ...partnerFields,
      ...outboundFields,
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
    }),
);
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** The HTTP API: Temporal, the codec, SumSub (it mints WebSDK tokens) and the webhook secrets. */
export const apiConfigSchema = readingRenamed(
  z
    .object({
      ...temporalFields,
      ...sumsubApiFields,
      ...outboundFields,
      ...codecFields,
      LOG_LEVEL: observabilityFields.LOG_LEVEL,
      // The WebSDK tokens it mints are SumSub POSTs: counted against the budget the workers share.
      KYC_DATABASE_URL: workerFields.KYC_DATABASE_URL,
      // It serves the trail (and erases users): the same database and keys as the worker that writes it.
      ...auditFields,
      ...apiFields,
      ...timingFields,
    })
    .superRefine((config, ctx) => {
      tlsPairs(config, ctx);
      apiExposure(config, ctx);
    }),
);
export type ApiConfig = z.infer<typeof apiConfigSchema>;

/**
 * The `kyc` CLI: Temporal and the codec; SumSub only for `kyc token`; the API (its URL and token) only for
 * `kyc audit` and `kyc erase`.
 */
export const cliConfigSchema = readingRenamed(
  z
    .object({
      ...temporalFields,
      KYC_API_URL: apiFields.KYC_API_URL,
      KYC_API_TOKEN: apiFields.KYC_API_TOKEN.optional(),
      KYC_OPERATOR: apiFields.KYC_OPERATOR,
      ...codecFields,
      ...timingFields,
      SUMSUB_BASE_URL: sumsubApiFields.SUMSUB_BASE_URL,
      SUMSUB_APP_TOKEN: sumsubApiFields.SUMSUB_APP_TOKEN.optional(),
      SUMSUB_SECRET_KEY: sumsubApiFields.SUMSUB_SECRET_KEY.optional(),
      SUMSUB_LEVEL_NAME: sumsubApiFields.SUMSUB_LEVEL_NAME,
      SUMSUB_WEBSDK_TOKEN_TTL_SECS: apiFields.SUMSUB_WEBSDK_TOKEN_TTL_SECS,
      ...outboundFields,
    })
    .superRefine(tlsPairs),
);
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** What every role shares: where Temporal is and how to reach it. */
export type TemporalConfig = Pick<CliConfig, keyof typeof temporalFields>;
/** The payload keys. */
export type CodecConfig = Pick<CliConfig, keyof typeof codecFields>;
/** Default timings of new cases. */
export type TimingConfig = Pick<CliConfig, keyof typeof timingFields>;
