import { z } from 'zod';
import { ConfigurationError } from '../domain';

const text = z.string().min(1);
const httpUrl = z.url({ protocol: /^https?$/ });
/** An endpoint path template such as `/v1/users/{userId}/kyc-import`. */
const pathTemplate = z.string().regex(/^\/\S*$/, 'must be a path starting with /');

const KRIPTOMAT_LOGIN = [
  'KRIPTOMAT_CLIENT_ID',
  'KRIPTOMAT_CLIENT_SECRET',
  'KRIPTOMAT_EMAIL',
  'KRIPTOMAT_PASSWORD',
  'KRIPTOMAT_TOTP_SECRET',
] as const;

/**
 * The worker's configuration, read once from the environment (architecture.md, "Contracts"). Kriptomat takes
 * either a static token or the five login variables; every Kriptomat path can be moved, because the
 * documentation disagrees on prefixes.
 */
export const workerConfigSchema = z
  .object({
    TEMPORAL_ADDRESS: text.default('localhost:7233'),
    TEMPORAL_NAMESPACE: text.default('default'),
    TEMPORAL_TASK_QUEUE: text.default('kyc'),
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
    SUMSUB_BASE_URL: httpUrl.default('https://api.sumsub.com'),
    SUMSUB_APP_TOKEN: text,
    SUMSUB_SECRET_KEY: text,
    SUMSUB_LEVEL_NAME: text.default('basic-kyc-level'),
    SUMSUB_PARTNER_CLIENT_ID: text,
    SUMSUB_SHARE_TOKEN_VARIANT: z.enum(['query', 'body']).default('query'),
    SUMSUB_SHARE_TOKEN_TTL_SECS: z.coerce.number().int().min(60).max(86_400).default(1200),
    PARTNER_WEBHOOK_URL: httpUrl.optional(),
    PARTNER_WEBHOOK_SECRET: text.optional(),
  })
  .superRefine((config, ctx) => {
    const login = KRIPTOMAT_LOGIN.filter((name) => config[name] !== undefined);
    if (!config.KRIPTOMAT_TOKEN && login.length < KRIPTOMAT_LOGIN.length) {
      for (const name of KRIPTOMAT_LOGIN.filter((variable) => config[variable] === undefined)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'required unless KRIPTOMAT_TOKEN is set' });
      }
    }
    if (config.PARTNER_WEBHOOK_URL && !config.PARTNER_WEBHOOK_SECRET) {
      const message = 'required when PARTNER_WEBHOOK_URL is set (events are signed)';
      ctx.addIssue({ code: 'custom', path: ['PARTNER_WEBHOOK_SECRET'], message });
    }
  });
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Parses the environment; a missing or malformed variable is named in the error, its value never echoed. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = workerConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`invalid configuration:\n${problems.join('\n')}`);
}
