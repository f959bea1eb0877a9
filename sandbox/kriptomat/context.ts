import type { HttpBindings } from '@hono/node-server';
import type { FaultInjector } from '../shared/fault-injector';
import type { RequestLog } from '../shared/request-log';
import type { ShareTokenLedger } from '../shared/share-tokens';
import type { TimerSet } from '../shared/timers';
import type { DecisionScheduler } from './decisions';
import type { ImportRefusals } from './import-refusals';
import type { ClientIdForm, LoginCheck } from './login-check';
import type { KriptomatPaths } from './paths';
import type { SessionStore } from './sessions';
import type { SimulatedUserStore } from './user-store';
import type { KriptomatWebhookSender } from './webhook-sender';

/** The documented login answer is not shown: top level `{access_token, ...}`, or wrapped in `{status, data}`. */
export type LoginAnswerShape = 'top_level' | 'wrapped';

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
  /** The partner account's login rules (every login is refused without an account). */
  loginCheck: LoginCheck;
  loginClientId: ClientIdForm;
  loginAnswer: LoginAnswerShape;
  /** Which users' first import is refused (the `import_refused-` and `import_unauthorized-` scenarios). */
  importRefusals: ImportRefusals;
  /** Kriptomat's own webhook to the partner (nothing is sent without a URL). */
  webhook: KriptomatWebhookSender;
}

/** Hono's environment for the simulator: on a real server the Node request is at hand (to drop connections). */
export type SimulatorEnv = { Bindings: Partial<HttpBindings> };

/** Kriptomat's answer to a missing, unknown or expired bearer token. */
export const UNAUTHENTICATED = { status: false, message: 'Unauthenticated.' } as const;
