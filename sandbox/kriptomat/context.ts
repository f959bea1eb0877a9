import type { HttpBindings } from '@hono/node-server';
import type { KriptomatLoginCredentials } from '../../activities/kriptomat/login';
import type { KriptomatPaths } from '../../activities/kriptomat/paths';
import type { RequestLog } from '../shared/request-log';
import type { ShareTokenLedger } from '../shared/share-tokens';
import type { DecisionScheduler } from './decisions';
import type { FaultInjector } from '../shared/fault-injector';
import type { TimerSet } from '../shared/timers';
import type { SessionStore } from './sessions';
import type { SimulatedUserStore } from './user-store';

/** What the simulator's routes share: its state, its collaborators and its settings. */
export interface SimulatorDeps {
  users: SimulatedUserStore;
  log: RequestLog;
  faults: FaultInjector;
  /** Latency and hangs sleep here, so `stop` wakes them. */
  timers: TimerSet;
  sessions: SessionStore;
  decisions: DecisionScheduler;
  ledger: ShareTokenLedger;
  paths: KriptomatPaths;
  /** Kriptomat's own client id at SumSub: the `forClientId` a share token must have been minted for. */
  sumsubClientId: string;
  /** The partner account that may log in; without it every login is refused. */
  credentials?: KriptomatLoginCredentials;
}

/** Hono's environment for the simulator: on a real server the Node request is at hand (to drop connections). */
export type SimulatorEnv = { Bindings: Partial<HttpBindings> };

/** Kriptomat's answer to a missing, unknown or expired bearer token. */
export const UNAUTHENTICATED = { status: false, message: 'Unauthenticated.' } as const;

/** `/api/v1/partners/users/{userId}` → `/api/v1/partners/users/:userId` (Hono's route syntax). */
export function routeOf(template: string): string {
  return template.replace('{userId}', ':userId');
}
