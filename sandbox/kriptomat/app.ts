import { Hono } from 'hono';
import type { z } from 'zod';
import type { KriptomatLoginCredentials } from '../../activities/kriptomat/login';
import { resolveKriptomatPaths } from '../../activities/kriptomat/paths';
import type { KriptomatPaths } from '../../activities/kriptomat/paths';
import type { faultSettingsSchema } from '../shared/faults';
import { RequestLog } from '../shared/request-log';
import type { ShareTokenLedger } from '../shared/share-tokens';
import { SHARE_TOKEN_ERRORS } from '../shared/share-tokens';
import { addAuthRoutes } from './auth-routes';
import type { SimulatorEnv } from './context';
import { DecisionScheduler } from './decisions';
import { FaultInjector } from '../shared/fault-injector';
import { addImportRoutes } from './import-routes';
import { addSandboxRoutes } from './sandbox-routes';
import { SessionStore } from './sessions';
import { TimerSet } from '../shared/timers';
import { addUserRoutes } from './user-routes';
import { SimulatedUserStore } from './user-store';

export interface KriptomatSimulatorOptions {
  /** A static bearer token partner calls may carry (besides the tokens issued at login). */
  accessToken?: string;
  /** The partner account allowed to log in; without it every login is refused. */
  credentials?: KriptomatLoginCredentials;
  /** Redeems SumSub share tokens (the SumSub simulator's); by default every token is invalid. */
  ledger?: ShareTokenLedger;
  /** Kriptomat's client id at SumSub, which share tokens must be minted for (default `kriptomat`). */
  sumsubClientId?: string;
  /** Kriptomat's decision time for pending users (default 2000 ms). */
  decisionDelayMs?: number;
  /** Lifetime of tokens issued at login (default 3600 s, Kriptomat's 60-minute sessions). */
  tokenTtlSeconds?: number;
  faults?: z.input<typeof faultSettingsSchema>;
  log?: RequestLog;
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
  /** Cancels pending decisions and wakes hanging requests. */
  stop(): void;
}

const REJECT_EVERY_TOKEN: ShareTokenLedger = {
  redeem: () => ({ ok: false, ...SHARE_TOKEN_ERRORS.invalidShareToken }),
};

/** The Kriptomat partner API as documented (login, show user, KYC import), plus `/_sandbox` routes to steer it. */
export function createKriptomatSimulator(options: KriptomatSimulatorOptions = {}): KriptomatSimulator {
  const timers = new TimerSet();
  const users = options.users ?? new SimulatedUserStore();
  const deps = {
    users,
    log: options.log ?? new RequestLog(),
    faults: new FaultInjector(options.faults),
    timers,
    sessions: new SessionStore(options.accessToken, options.tokenTtlSeconds),
    decisions: new DecisionScheduler(users, timers, options.decisionDelayMs),
    ledger: options.ledger ?? REJECT_EVERY_TOKEN,
    paths: resolveKriptomatPaths(options.paths),
    sumsubClientId: options.sumsubClientId ?? 'kriptomat',
    credentials: options.credentials,
  };
  const app = new Hono<SimulatorEnv>();
  addSandboxRoutes(app, deps);
  addAuthRoutes(app, deps);
  addUserRoutes(app, deps);
  addImportRoutes(app, deps);
  const { log, faults, sessions } = deps;
  return { app, users, log, faults, sessions, stop: () => timers.clear() };
}
