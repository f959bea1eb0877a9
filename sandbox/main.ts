/**
 * The Kriptomat and SumSub simulators as a process of their own: the `sandbox` service of the compose sandbox
 * (deploy/compose.sandbox.yml). Ports and credentials come from the environment, so compose hands the same
 * values to this process, the worker and the API. Never part of a production deployment.
 */
import { z } from 'zod';
import type { PartnerAccount } from './kriptomat/partner-account';
import { parseSandboxEnv, SandboxSettingsError, variantFields, variantsOf } from './settings';
import { SANDBOX_KRIPTOMAT_CLIENT_ID, startSandbox } from './start-sandbox';
import type { RunningSandbox } from './start-sandbox';

const port = z.coerce.number().int().min(1).max(65_535);
const millis = z.coerce.number().int().min(0);
const text = z.string().min(1);
/** A secret the engine must hold too; the engine checks its own copy, this one only needs to be present. */
const secret = text.optional();

/** The five variables of Kriptomat's partner login, all or none. */
const PARTNER_LOGIN = [
  'KRIPTOMAT_CLIENT_ID',
  'KRIPTOMAT_CLIENT_SECRET',
  'KRIPTOMAT_EMAIL',
  'KRIPTOMAT_PASSWORD',
  'KRIPTOMAT_TOTP_SECRET',
] as const;

/**
 * Every variable this process reads. The credentials carry the names the engine reads too, so one env file
 * serves the simulators, the worker and the API; the schema is the sandbox's own (it shares no code with the
 * engine). The rest are the simulators' own settings and vendor variants (`settings.ts`).
 */
const sandboxFields = {
  /** The interface both simulators listen on: loopback by default, `0.0.0.0` in a container. */
  SANDBOX_HOST: text.default('127.0.0.1'),
  KRIPTOMAT_SIM_PORT: port.default(8081),
  SUMSUB_SIM_PORT: port.default(8082),
  /** Where SumSub webhooks go (the API's `/webhooks/sumsub`); unset, none are sent and the engine polls. */
  SUMSUB_SIM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** SumSub's wait before each review step, and Kriptomat's decision time after an import. */
  SUMSUB_SIM_REVIEW_DELAY_MS: millis.default(3000),
  KRIPTOMAT_SIM_DECISION_DELAY_MS: millis.default(2000),
  KRIPTOMAT_TOKEN: secret,
  KRIPTOMAT_CLIENT_ID: secret,
  KRIPTOMAT_CLIENT_SECRET: secret,
  KRIPTOMAT_EMAIL: secret,
  KRIPTOMAT_PASSWORD: secret,
  KRIPTOMAT_TOTP_SECRET: secret,
  SUMSUB_APP_TOKEN: text,
  SUMSUB_SECRET_KEY: text,
  SUMSUB_KRIPTOMAT_CLIENT_ID: text.default(SANDBOX_KRIPTOMAT_CLIENT_ID),
  SUMSUB_WEBHOOK_SECRET: secret,
  ...variantFields,
};

/** The names of every variable the sandbox process reads (the compose test checks compose against them). */
export const SANDBOX_VARIABLES = Object.keys(sandboxFields) as (keyof typeof sandboxFields)[];

/**
 * Random credentials would be useless here (nobody else could know them), so the engine's side of each one
 * is required: a Kriptomat static token or partner login (or both), the SumSub app token and secret, and the
 * webhook secret when webhooks are sent.
 */
const sandboxSchema = z.object(sandboxFields).superRefine((env, ctx) => {
  const login = PARTNER_LOGIN.filter((name) => env[name] !== undefined);
  if (login.length > 0 && login.length < PARTNER_LOGIN.length) {
    for (const name of PARTNER_LOGIN.filter((variable) => env[variable] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'the partner login needs all five variables' });
    }
  }
  if (!env.KRIPTOMAT_TOKEN && login.length === 0) {
    const message = 'set a static token, or the five KRIPTOMAT_* login variables (or both)';
    ctx.addIssue({ code: 'custom', path: ['KRIPTOMAT_TOKEN'], message });
  }
  if (env.SUMSUB_SIM_WEBHOOK_URL && !env.SUMSUB_WEBHOOK_SECRET) {
    const message = 'required with SUMSUB_SIM_WEBHOOK_URL (webhooks are signed)';
    ctx.addIssue({ code: 'custom', path: ['SUMSUB_WEBHOOK_SECRET'], message });
  }
});
export type SandboxSettings = z.infer<typeof sandboxSchema>;

/** The settings from `env`; a `SandboxSettingsError` names each missing or malformed variable, never its value. */
export function loadSandboxSettings(env: NodeJS.ProcessEnv = process.env): SandboxSettings {
  return parseSandboxEnv(sandboxSchema, env);
}

/** The partner account of the five login variables, or undefined unless all five are set. */
function partnerAccountOf(settings: SandboxSettings): PartnerAccount | undefined {
  const { KRIPTOMAT_CLIENT_ID, KRIPTOMAT_CLIENT_SECRET, KRIPTOMAT_EMAIL, KRIPTOMAT_PASSWORD } = settings;
  const totpSecret = settings.KRIPTOMAT_TOTP_SECRET;
  if (!KRIPTOMAT_CLIENT_ID || !KRIPTOMAT_CLIENT_SECRET || !KRIPTOMAT_EMAIL || !KRIPTOMAT_PASSWORD)
    return undefined;
  if (!totpSecret) return undefined;
  return {
    clientId: KRIPTOMAT_CLIENT_ID,
    clientSecret: KRIPTOMAT_CLIENT_SECRET,
    email: KRIPTOMAT_EMAIL,
    password: KRIPTOMAT_PASSWORD,
    totpSecret,
  };
}

/** Starts both simulators as `settings` say. */
function startSandboxFromSettings(settings: SandboxSettings): Promise<RunningSandbox> {
  return startSandbox({
    host: settings.SANDBOX_HOST,
    kriptomatPort: settings.KRIPTOMAT_SIM_PORT,
    sumsubPort: settings.SUMSUB_SIM_PORT,
    webhookUrl: settings.SUMSUB_SIM_WEBHOOK_URL ?? null,
    webhookSecret: settings.SUMSUB_WEBHOOK_SECRET,
    reviewDelayMs: settings.SUMSUB_SIM_REVIEW_DELAY_MS,
    decisionDelayMs: settings.KRIPTOMAT_SIM_DECISION_DELAY_MS,
    // Only the variables: the process environment is this object's source already.
    env: {},
    ...variantsOf(settings),
    credentials: {
      // Without a static token a random one is made, which no caller knows: only the login then works.
      kriptomatToken: settings.KRIPTOMAT_TOKEN,
      kriptomatLogin: partnerAccountOf(settings),
      sumsubAppToken: settings.SUMSUB_APP_TOKEN,
      sumsubSecretKey: settings.SUMSUB_SECRET_KEY,
      kriptomatClientId: settings.SUMSUB_KRIPTOMAT_CLIENT_ID,
    },
  });
}

const log = (line: string): void => void process.stderr.write(`[sandbox] ${line}\n`);

/** A URL without what might be a secret in it (user info, query), for the log. */
function shown(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}

async function main(): Promise<void> {
  const settings = loadSandboxSettings();
  const sandbox = await startSandboxFromSettings(settings);
  const host = settings.SANDBOX_HOST;
  const auth = [settings.KRIPTOMAT_TOKEN && 'static token', settings.KRIPTOMAT_CLIENT_ID && 'partner login'];
  log(`Kriptomat simulator on ${host}:${settings.KRIPTOMAT_SIM_PORT} (${auth.filter(Boolean).join(', ')})`);
  const webhooks = settings.SUMSUB_SIM_WEBHOOK_URL
    ? `webhooks to ${shown(settings.SUMSUB_SIM_WEBHOOK_URL)}`
    : 'no webhooks (the engine must poll)';
  log(`SumSub simulator on ${host}:${settings.SUMSUB_SIM_PORT}, ${webhooks}`);
  if (settings.KRIPTOMAT_SIM_WEBHOOK_URL) {
    // Its path is the partner's secret: the origin only.
    log(`Kriptomat webhooks to ${new URL(settings.KRIPTOMAT_SIM_WEBHOOK_URL).origin} (path not shown)`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: stopping`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    log(error instanceof SandboxSettingsError ? error.message : `failed: ${String(error)}`);
    process.exit(1);
  });
}
