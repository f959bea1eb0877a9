import type { Client } from '@temporalio/client';
import type { CaseTimings } from '../domain';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import type { Stack } from '../stack/stack';
import type { ChaosEvent } from './chaos-plan';
import type { ChaosOptions } from './options';

/** How the run's processes of one role fared: SIGKILLs sent, processes seen, and deaths nobody caused. */
export interface ProcessFigures {
  kills: number;
  distinctPids: number;
  /** Exits the run did not cause: a finding. */
  unexpectedExits: number;
}

export interface TopologyFigures {
  workers: ProcessFigures;
  /** Null on the dev server, whose webhook receiver lives in the run's own process. */
  apis: ProcessFigures | null;
  /** Cluster only: requests each API replica answered through the balancer (`api-1` → count). */
  apiRequests: Record<string, number> | null;
  serverRestarts: number;
  serverDowntimeMs: number;
  /** Temporal server exits the run did not cause (it was started again): a finding. */
  unexpectedServerExits: number;
  dbRestarts: number;
  dbDowntimeMs: number;
  /** Cluster only: rolling deploys done (every worker replaced by the next build). */
  rollingDeploys: number;
}

/**
 * Where a chaos run plays: the dev server with one worker (./dev-topology.ts) or the production shape on
 * PostgreSQL with two workers and two APIs (./cluster-topology.ts). The run starts cases, strikes and checks
 * through this alone, so both are held to the same checks.
 */
export interface ChaosTopology {
  readonly kind: 'dev-server' | 'cluster';
  /** A direct client of the Temporal server: for reading cases and histories, never to start the run's cases. */
  readonly client: Client;
  readonly sandbox: RunningSandbox;
  /** Starts or joins a case the way the partner does on this topology; rejects when it could not. */
  startCase: (userId: string) => Promise<void>;
  /**
   * Strikes: the part is down when this resolves; what it took down comes back in the background (see
   * `settled`), except a server restart, which resolves once the server is back. Returns a log line and,
   * when it is known by then, how long the part was down.
   */
  inflict(event: ChaosEvent): Promise<{ line: string; downMs: number | null }>;
  /** Resolves once every part the chaos took down runs again. */
  settled(): Promise<void>;
  /** Every worker running (one may have died on its own near the end), so parked cases answer queries. */
  ensureWorkers(): Promise<void>;
  figures(): TopologyFigures;
  /** What the engine's webhook receivers answered to the deliveries they got, by result. */
  receipts(): Record<string, number>;
}

/** What every topology is started with. */
export interface TopologyContext {
  options: ChaosOptions;
  /** The run's own folder (logs, databases): kept when the run fails. */
  dataDir: string;
  log: (line: string) => void;
  /** The short timings of the run's cases (deadlines pass within the run). */
  timings: Partial<CaseTimings>;
  /** The partner's webhook endpoint the workers notify (./partner-receiver.ts). */
  partnerEnv: Record<string, string>;
  /** What the topology starts goes onto the run's stack, stopped in reverse order even after a failed start. */
  stack: Stack;
  temporalCli?: string;
}
