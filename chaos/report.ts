import type { PlayedFault } from './chaos-events';
import type { Check } from './checks';
import type { ScenarioCalls } from './extra-calls';
import type { ChaosOptions } from './options';
import type { NotificationFigures } from './partner-receiver';
import type { Recovery } from './recovery-probe';
import type { RetryAfterFigures } from './retry-after';
import type { TokenFigures } from './token-audit';
import type { TopologyFigures } from './topology';

/**
 * Everything a chaos run found, printed as figures at its end and written as a dated page and JSON (docs/results/
 * for a run by hand, chaos/report-page.ts). Holds
 * sandbox user ids and counts only: no token, key or personal field.
 */
export interface ChaosReport {
  /** True when every check passed. */
  passed: boolean;
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; platform: string; node: string };
  options: ChaosOptions;
  cases: {
    total: number;
    atExpectedEnd: number;
    /** Cases that continued as new at least once during the run. */
    continuedAsNew: number;
    /**
     * Per scenario: how many, where they should end, how many did, where they all ended, and how long cases
     * took from their start to their end (median and slowest): what the chaos cost them in time.
     */
    byScenario: Record<
      string,
      {
        cases: number;
        expected: string;
        atExpectedEnd: number;
        ends: Record<string, number>;
        medianMs: number;
        maxMs: number;
      }
    >;
  };
  /** The topology's own figures (server, PostgreSQL, replicas, deploys) as played, with these. */
  chaos: Pick<
    TopologyFigures,
    | 'apiRequests'
    | 'serverRestarts'
    | 'serverDowntimeMs'
    | 'unexpectedServerExits'
    | 'dbRestarts'
    | 'dbDowntimeMs'
    | 'rollingDeploys'
  > & {
    /** Where it ran: the CLI's dev server and one worker, or the cluster (PostgreSQL, 2 workers, 2 APIs). */
    topology: 'dev-server' | 'cluster';
    workerKills: number;
    workerProcesses: number;
    unexpectedWorkerExits: number;
    /** Cluster only (null on the dev server, whose receiver runs in the run's process). */
    apiKills: number | null;
    apiProcesses: number | null;
    unexpectedApiExits: number | null;
    /** Every fault as played, in order: planned and actual moment (ms after the first start), downtime. */
    faults: PlayedFault[];
    /** After each fault, how soon a fresh case was approved. */
    recoveries: Recovery[];
    /** The same per fault kind (`worker kill`, `PostgreSQL restart`): the slowest and the median. */
    recoveryByKind: Record<string, RecoveryFigures>;
  };
  faults: {
    partnerCalls: number;
    error: number;
    rate_limit: number;
    timeout: number;
    webhooks: {
      sent: number;
      dropped: number;
      duplicated: number;
      /** Deliveries the receiver did not take (503 while the server was down, or no answer). */
      failedDeliveries: number;
      redelivered: number;
      /**
       * What the engine's receiver made of the deliveries it got; on the cluster, the APIs' HTTP answers by
       * vendor as the simulators logged them (the receivers run in other processes).
       */
      receipts: Record<string, number>;
      /** Kriptomat's own webhooks (to the cluster's APIs; none on the dev server). */
      kriptomat: { sent: number; failedDeliveries: number; redelivered: number };
    };
  };
  imports: { successful: number; usersImportedTwice: number };
  /** What the partner's webhook endpoint received, against what the cases say they sent. */
  notifications: NotificationFigures;
  shareTokens: TokenFigures;
  retryAfter: RetryAfterFigures;
  /** Per scenario, and `all`. */
  extraCalls: Record<string, ScenarioCalls>;
  /** Cases still running short of their expected end when the bound passed. */
  stuck: { userId: string; phase: string }[];
  /** Cases that ended, but not where their scenario says. */
  wrong: { userId: string; problems: string[] }[];
  startFailures: string[];
  checks: Check[];
  /** Where the processes' logs were kept (a failed run, or `keepLogs`). */
  logs: string | null;
}

/** Recovery after the faults of one kind. */
export interface RecoveryFigures {
  faults: number;
  recovered: number;
  medianMs: number | null;
  maxMs: number | null;
}
