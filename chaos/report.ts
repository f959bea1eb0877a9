import type { Check } from './checks';
import type { ScenarioCalls } from './extra-calls';
import type { ChaosOptions } from './options';
import type { Recovery } from './recovery-probe';
import type { RetryAfterFigures } from './retry-after';
import type { TokenFigures } from './token-audit';

/**
 * Everything a chaos run found, printed as figures at its end and written as JSON (chaos/results/). Holds
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
  chaos: {
    workerKills: number;
    workerProcesses: number;
    unexpectedWorkerExits: number;
    serverRestarts: number;
    serverDowntimeMs: number;
    /** After each crash, how soon a fresh case was approved. */
    recoveries: Recovery[];
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
      /** What the engine's receiver made of the deliveries it got. */
      receipts: Record<string, number>;
    };
  };
  imports: { successful: number; usersImportedTwice: number };
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
  /** Where the worker's and the server's logs were kept (a failed run only). */
  logs: string | null;
}
