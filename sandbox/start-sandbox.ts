import { randomBytes } from 'node:crypto';
import type { PartnerAccount } from './kriptomat/partner-account';
import { variantsFromEnv } from './settings';
import type { SandboxVariants } from './settings';
import type { FaultSettings } from './shared/faults';
import { RequestLog } from './shared/request-log';
import { startKriptomatSimulator } from './kriptomat/server';
import type { RunningKriptomatSimulator } from './kriptomat/server';
import { startSumsubSimulator } from './sumsub/server';
import type { RunningSumsubSimulator } from './sumsub/server';

/**
 * How to start both simulators. The vendor variants (`SandboxVariants`) given here win over those the
 * environment switches on (`KRIPTOMAT_SIM_*`, `SUMSUB_SIM_*`, `KRIPTOMAT_*_PATH`: sandbox/README.md), so
 * `npm start` can turn them on without code.
 */
export interface SandboxOptions extends SandboxVariants {
  /** Where the SumSub simulator delivers webhooks (the engine's `/webhooks/sumsub`); null: none. */
  webhookUrl: string | null;
  /** The secret SumSub signs webhooks with; random when not given. */
  webhookSecret?: string;
  /** SumSub's wait before each review step, and Kriptomat's decision time after an import. */
  reviewDelayMs?: number;
  decisionDelayMs?: number;
  faults?: Partial<FaultSettings>;
  /** 0 (default) picks free ports. */
  kriptomatPort?: number;
  sumsubPort?: number;
  /** The interface both simulators listen on; loopback by default. */
  host?: string;
  /** Fixed credentials (e.g. from the environment, shared with a worker elsewhere); each one left out is random. */
  credentials?: SandboxCredentials;
  /** Where the variants not given here come from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

/** What the engine authenticates with, when the caller chooses it rather than taking fresh random values. */
export interface SandboxCredentials {
  /** A static Kriptomat partner token. */
  kriptomatToken?: string;
  /** A partner account that may log in to Kriptomat (with its TOTP); without it every login is refused. */
  kriptomatLogin?: PartnerAccount;
  sumsubAppToken?: string;
  sumsubSecretKey?: string;
  /** Kriptomat's client id at SumSub, which share tokens must be minted for. */
  kriptomatClientId?: string;
}

/** Both simulators, sharing one request log and the share-token ledger, and the engine settings that fit them. */
export interface RunningSandbox {
  kriptomat: RunningKriptomatSimulator;
  sumsub: RunningSumsubSimulator;
  log: RequestLog;
  /** The worker's environment variables for this sandbox (random secrets, fresh each start). */
  workerEnv: Record<string, string>;
  /** The secret SumSub signs webhooks with, for the webhook receiver. */
  sumsubWebhookSecret: string;
  close(): Promise<void>;
}

/** Kriptomat's client id at the simulated SumSub: the id share tokens are minted for. */
export const SANDBOX_KRIPTOMAT_CLIENT_ID = 'kriptomat-sandbox';

/** Starts the Kriptomat and SumSub simulators wired to each other, on the loopback interface unless `host` says. */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const secret = () => randomBytes(18).toString('base64url');
  const given = options.credentials ?? {};
  const kriptomatToken = given.kriptomatToken ?? secret();
  const appToken = given.sumsubAppToken ?? `sbx:${secret()}`;
  const secretKey = given.sumsubSecretKey ?? secret();
  const kriptomatClientId = given.kriptomatClientId ?? SANDBOX_KRIPTOMAT_CLIENT_ID;
  const webhookSecret = options.webhookSecret ?? secret();
  const variants = withEnvironment(options);
  const log = new RequestLog();
  const sumsub = await startSumsubSimulator({
    appToken,
    secretKey,
    webhookUrl: options.webhookUrl,
    webhookSecret,
    digestAlg: variants.digestAlg,
    omitDigestAlgHeader: variants.omitDigestAlgHeader,
    conflictDescription: variants.conflictDescription,
    reviewDelayMs: options.reviewDelayMs,
    faults: options.faults,
    log,
    port: options.sumsubPort,
    host: options.host,
  });
  const kriptomat = await startKriptomatSimulator({
    accessToken: kriptomatToken,
    credentials: given.kriptomatLogin,
    loginClientId: variants.loginClientId,
    loginAnswer: variants.loginAnswer,
    paths: variants.kriptomatPaths,
    webhookUrl: variants.kriptomatWebhookUrl ?? null,
    ledger: sumsub.ledger,
    sumsubClientId: kriptomatClientId,
    decisionDelayMs: options.decisionDelayMs,
    faults: options.faults,
    log,
    port: options.kriptomatPort,
    host: options.host,
  }).catch(async (error: unknown) => {
    // Without this, a taken Kriptomat port would leave the SumSub simulator holding the process open.
    await sumsub.close();
    throw error;
  });
  return {
    kriptomat,
    sumsub,
    log,
    sumsubWebhookSecret: webhookSecret,
    workerEnv: {
      KRIPTOMAT_BASE_URL: kriptomat.url,
      KRIPTOMAT_TOKEN: kriptomatToken,
      SUMSUB_BASE_URL: sumsub.url,
      SUMSUB_APP_TOKEN: appToken,
      SUMSUB_SECRET_KEY: secretKey,
      SUMSUB_KRIPTOMAT_CLIENT_ID: kriptomatClientId,
      // The simulators speak plain http on loopback, which the engine refuses for any host it was not told of.
      KYC_ALLOW_INSECURE_HOSTS: '127.0.0.1,localhost',
      ...pathVariables(variants),
    },
    close: async () => {
      await Promise.all([kriptomat.close(), sumsub.close()]);
    },
  };
}

/** The engine's path variables for the paths this sandbox serves, when they are not the documented ones. */
function pathVariables({ kriptomatPaths: paths }: SandboxVariants): Record<string, string> {
  const variables = {
    KRIPTOMAT_LOGIN_PATH: paths?.login,
    KRIPTOMAT_SHOW_USER_PATH: paths?.showUser,
    KRIPTOMAT_IMPORT_PATH: paths?.importKyc,
  };
  return Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The variants of `options`, each one left out taken from the environment. */
function withEnvironment(options: SandboxOptions): SandboxVariants {
  const fromEnv = variantsFromEnv(options.env ?? process.env);
  const pick = <K extends keyof SandboxVariants>(key: K): SandboxVariants[K] =>
    options[key] !== undefined ? options[key] : fromEnv[key];
  return {
    kriptomatWebhookUrl: pick('kriptomatWebhookUrl'),
    kriptomatPaths: pick('kriptomatPaths'),
    loginClientId: pick('loginClientId'),
    loginAnswer: pick('loginAnswer'),
    digestAlg: pick('digestAlg'),
    omitDigestAlgHeader: pick('omitDigestAlgHeader'),
    conflictDescription: pick('conflictDescription'),
  };
}
