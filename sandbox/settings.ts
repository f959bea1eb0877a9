import { z } from 'zod';
import type { ClientIdForm } from './kriptomat/login-check';
import type { LoginAnswerShape } from './kriptomat/context';
import type { KriptomatPaths } from './kriptomat/paths';
import { WEBHOOK_DIGEST_ALGS } from './sumsub/webhook-signature';
import type { WebhookDigestAlg } from './sumsub/webhook-signature';

/** A sandbox setting that is missing or malformed; the message names variables, never their values. */
export class SandboxSettingsError extends Error {
  override readonly name = 'SandboxSettingsError';
}

/**
 * The vendor behaviours a sandbox run can switch on (sandbox/README.md, "Vendor variants"), the same for
 * `npm start` (startSandbox reads them from the environment) and the compose `sandbox` service.
 */
export interface SandboxVariants {
  /** Where Kriptomat's own webhook goes (the engine's `/webhooks/kriptomat/<secret>`); none when null. */
  kriptomatWebhookUrl?: string | null;
  /** Kriptomat's path templates (`{user_id}` or `{userId}` names the user). */
  kriptomatPaths?: Partial<KriptomatPaths>;
  loginClientId?: ClientIdForm;
  loginAnswer?: LoginAnswerShape;
  digestAlg?: WebhookDigestAlg;
  omitDigestAlgHeader?: boolean;
  conflictDescription?: 'with_id' | 'without_id';
}

const pathTemplate = z.string().regex(/^\/\S*$/, 'must be a path starting with /');
const flag = z.enum(['true', 'false'], 'must be true or false').transform((value) => value === 'true');

/** The variables of the variants; the path variables carry the engine's names, so one value serves both. */
export const variantFields = {
  /** Kriptomat's webhook target; its path carries a secret, so it is never printed in full. */
  KRIPTOMAT_SIM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  KRIPTOMAT_SIM_LOGIN_ANSWER: z.enum(['top_level', 'wrapped']).optional(),
  KRIPTOMAT_SIM_CLIENT_ID: z.enum(['either', 'integer', 'string']).optional(),
  KRIPTOMAT_LOGIN_PATH: pathTemplate.optional(),
  KRIPTOMAT_SHOW_USER_PATH: pathTemplate.optional(),
  KRIPTOMAT_IMPORT_PATH: pathTemplate.optional(),
  SUMSUB_SIM_DIGEST_ALG: z.enum(WEBHOOK_DIGEST_ALGS).optional(),
  /** `false` leaves `x-payload-digest-alg` out (the digest is then HMAC_SHA256_HEX). */
  SUMSUB_SIM_DIGEST_ALG_HEADER: flag.optional(),
  SUMSUB_SIM_CONFLICT_DESCRIPTION: z.enum(['with_id', 'without_id']).optional(),
};

const variantSchema = z.object(variantFields);

/** Parses `env` with `schema`; a `SandboxSettingsError` names each bad variable, never its value. */
export function parseSandboxEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new SandboxSettingsError(`invalid sandbox configuration:\n${problems.join('\n')}`);
}

/** The variants the variables of `settings` switch on (only those set). */
export function variantsOf(settings: z.infer<typeof variantSchema>): SandboxVariants {
  const paths = {
    login: settings.KRIPTOMAT_LOGIN_PATH,
    showUser: settings.KRIPTOMAT_SHOW_USER_PATH,
    importKyc: settings.KRIPTOMAT_IMPORT_PATH,
  };
  const variants: SandboxVariants = {
    kriptomatWebhookUrl: settings.KRIPTOMAT_SIM_WEBHOOK_URL,
    kriptomatPaths: Object.values(paths).some((path) => path !== undefined) ? paths : undefined,
    loginClientId: settings.KRIPTOMAT_SIM_CLIENT_ID,
    loginAnswer: settings.KRIPTOMAT_SIM_LOGIN_ANSWER,
    digestAlg: settings.SUMSUB_SIM_DIGEST_ALG,
    omitDigestAlgHeader:
      settings.SUMSUB_SIM_DIGEST_ALG_HEADER === undefined
        ? undefined
        : !settings.SUMSUB_SIM_DIGEST_ALG_HEADER,
    conflictDescription: settings.SUMSUB_SIM_CONFLICT_DESCRIPTION,
  };
  return Object.fromEntries(Object.entries(variants).filter(([, value]) => value !== undefined));
}

/** The variants the environment switches on. */
export function variantsFromEnv(env: NodeJS.ProcessEnv): SandboxVariants {
  return variantsOf(parseSandboxEnv(variantSchema, env));
}
