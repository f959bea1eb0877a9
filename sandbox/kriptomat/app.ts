import { Hono } from 'hono';
import type { z } from 'zod';
import { FaultInjector } from '../shared/fault-injector';
import type { faultSettingsSchema } from '../shared/faults';
import { RequestLog } from '../shared/request-log';
import type { ShareTokenLedger } from '../shared/share-tokens';
import { SHARE_TOKEN_ERRORS } from '../shared/share-tokens';
import { TimerSet } from '../shared/timers';
import { addAuthRoutes } from './auth-routes';
import type { LoginAnswerShape, SimulatorEnv } from './context';
import { DecisionScheduler } from './decisions';
import { ImportRefusals } from './import-refusals';
import { addImportRoutes } from './import-routes';
import { LoginCheck } from './login-check';
import type { ClientIdForm } from './login-check';
import type { PartnerAccount } from './partner-account';
import { kriptomatPaths } from './paths';
import type { KriptomatPaths } from './paths';
import { addSandboxRoutes } from './sandbox-routes';
import { SessionStore } from './sessions';
import { addUserRoutes } from './user-routes';
import { SimulatedUserStore } from './user-store';
import { KriptomatWebhookSender } from './webhook-sender';

export interface KriptomatSimulatorOptions {
  /** A static bearer token partner calls may carry (besides the tokens issued at login). */
  accessToken?: string;
  /** The partner account allowed to log in; without it every login is refused. */
  credentials?: PartnerAccount;
  /** How `client_id` must arrive at login: `either` (default) a string or an integer, or only one of them. */
  loginClientId?: ClientIdForm;
  /** The login answer: `top_level` (default) `{access_token, ...}`, or `wrapped` in `{status, data}`. */
  loginAnswer?: LoginAnswerShape;
  /** Redeems SumSub share tokens (the SumSub simulator's); by default every token is invalid. */
  ledger?: ShareTokenLedger;
  /** Kriptomat's client id at SumSub, which share tokens must be minted for (default `kriptomat`). */
  sumsubClientId?: string;
  /** Kriptomat's decision time for pending users (default 2000 ms). */
  decisionDelayMs?: number;
  /** Lifetime of tokens issued at login (default 3600 s, Kriptomat's 60-minute sessions). */
  tokenTtlSeconds?: number;
  /** The partner's URL for Kriptomat's own webhook (it carries the secret); none is sent when null (default). */
  webhookUrl?: string | null;
  /** Redelivery waits after a failed Kriptomat webhook; none by default (Kriptomat documents none). */
  webhookRetryDelaysMs?: readonly number[];
  /** How long the partner may take to answer a webhook; default 5 s. */
  webhookTimeoutMs?: number;
  faults?: z.input<typeof faultSettingsSchema>;
  log?: RequestLog;
  /** Path templates (`{user_id}` names the user); the documented ones by default. */
  paths?: Partial<KriptomatPaths>;
  users?: SimulatedUserStore;
}

/** The simulator without a port: its app (for injected requests) and its state, and `stop` for its timers. */
export interface KriptomatSimulator {
  app: Hono<SimulatorEnv>;
  users: SimulatedUserStore;
  log: RequestLog;
  faults: FaultInjector;
  sessions: SessionStore;
  /** Cancels pending decisions, webhook deliveries and wakes hanging requests. */
  stop(): void;
}

const REJECT_EVERY_TOKEN: ShareTokenLedger = {
  redeem: () => ({ ok: false, ...SHARE_TOKEN_ERRORS.invalidShareToken }),
};

/** The Kriptomat partner API as documented (login, show user, KYC import), plus `/_sandbox` routes to steer it. */
export function createKriptomatSimulator(options: KriptomatSimulatorOptions = {}): KriptomatSimulator {
  const timers = new TimerSet();
  const users = options.users ?? new SimulatedUserStore();
  const log = options.log ?? new RequestLog();
  const webhook = new KriptomatWebhookSender({
    url: options.webhookUrl ?? null,
    timeoutMs: options.webhookTimeoutMs ?? 5_000,
    retryDelaysMs: options.webhookRetryDelaysMs ?? [],
    timers,
    log,
    applicantIdOf: (userId) => users.applicantIdOf(userId),
  });
  const deps = {
    users,
    log,
    faults: new FaultInjector(options.faults),
    timers,
    sessions: new SessionStore(options.accessToken, options.tokenTtlSeconds),
    decisions: new DecisionScheduler(users, timers, options.decisionDelayMs, (userId, status) =>
      webhook.decided(userId, status),
    ),
    ledger: options.ledger ?? REJECT_EVERY_TOKEN,
    paths: kriptomatPaths(options.paths),
    sumsubClientId: options.sumsubClientId ?? 'kriptomat',
    loginCheck: new LoginCheck(options.credentials),
    loginClientId: options.loginClientId ?? 'either',
    loginAnswer: options.loginAnswer ?? 'top_level',
    importRefusals: new ImportRefusals(),
    webhook,
  };
  const app = new Hono<SimulatorEnv>();
  addSandboxRoutes(app, deps);
  addAuthRoutes(app, deps);
  addUserRoutes(app, deps);
  addImportRoutes(app, deps);
  const { faults, sessions } = deps;
  const stop = () => {
    timers.clear();
    webhook.abortAll();
  };
  return { app, users, log, faults, sessions, stop };
}
