import { z } from 'zod';
import { faultSettingsSchema } from '../sandbox/shared/faults';

/**
 * What one chaos run does. The defaults are the full run (`npm run chaos`); `SMALL_CHAOS_RUN` is the one
 * `npm test` runs. Every duration is in milliseconds unless its name says seconds.
 */
export const chaosOptionsSchema = z.object({
  /** Cases to start, spread round-robin over every sandbox scenario. */
  cases: z.number().int().min(1).max(5_000).default(300),
  /**
   * The topology: false runs the CLI's dev server (SQLite) and one worker; true runs the production shape
   * of `npm run cluster` (PostgreSQL, the Temporal server on it, two workers, two APIs behind a balancer)
   * and adds the faults only it has (API kills, PostgreSQL restarts).
   */
  cluster: z.boolean().default(false),
  /** Times a worker is killed with SIGKILL (and started again); on the cluster, one of the two. */
  workerKills: z.number().int().min(0).max(50).default(4),
  /** Times the Temporal server is killed and started again on the same port and database. */
  serverRestarts: z.number().int().min(0).max(5).default(1),
  /** Cluster only: SIGKILLs of one API replica while the other takes the starts and webhooks. */
  apiKills: z.number().int().min(0).max(20).default(2),
  /** Cluster only: PostgreSQL stopped in `immediate` mode (a crash, no checkpoint) and started again. */
  dbRestarts: z.number().int().min(0).max(5).default(1),
  /**
   * Cluster only: rolling deploys, each replacing the workers one at a time with a new build id (Worker
   * Versioning, cluster/rollout.ts) while cases run. With any, the workers poll as a Worker Deployment.
   */
  rollingDeploys: z.number().int().min(0).max(3).default(1),
  /** Seeds the simulators' faults, the kill times and the order cases start in, so a run can be repeated. */
  seed: z.number().int().default(1),
  /**
   * The simulators' faults (both vendors); `hangMs` must outlast `vendorTimeoutMs` to be a timeout. Their
   * `seed` is replaced by the run's `seed`. One partner call in ten fails: enough that most onboarding cases
   * meet several faults (a share attempt makes four calls), few enough that no case is still backing off (up
   * to a minute between attempts, the engine's retry policy) when the run's bound comes.
   */
  faults: faultSettingsSchema.default({
    errorRate: 0.05,
    rateLimitRate: 0.03,
    retryAfterSeconds: 2,
    timeoutRate: 0.02,
    hangMs: 4_000,
    latencyMs: 20,
    dropWebhookRate: 0.2,
    duplicateWebhookRate: 0.2,
    seed: 1,
  }),
  /** The worker's HTTP timeout for both vendors (KRIPTOMAT_TIMEOUT, SUMSUB_TIMEOUT): what a hang costs. */
  vendorTimeoutMs: z.number().int().min(100).default(2_000),
  /**
   * The deadlines of every case (user and decision): `pending_forever` and `not_started` cases expire at
   * them, so they set how long a run lasts. Cases that should not expire finish long before.
   */
  deadlineMs: z.number().int().min(1_000).default(60_000),
  /**
   * Waits per workflow run before a case continues as new (production: 50): low, so that the long cases
   * (`pending_forever`, `not_started`) continue as new during the run, under the same chaos.
   */
  waitsPerRun: z.number().int().min(1).default(5),
  /** How long cases may take to start: starts are spread over this, so chaos meets cases in every phase. */
  startSpreadMs: z.number().int().min(0).default(20_000),
  /** The chaos (kills, restarts) happens at random moments within this window after the first start. */
  chaosWindowMs: z.number().int().min(1_000).default(70_000),
  /** How long a worker or API stays down after a kill before it is started again (random up to this). */
  maxDowntimeMs: z.number().int().min(0).default(3_000),
  /** Cluster only: how long PostgreSQL stays down after its crash (random, from a tenth of this up to it). */
  maxDbDowntimeMs: z.number().int().min(0).default(8_000),
  /** After the deadline, how long cases may still take to reach their expected end before they count as stuck. */
  settleBoundMs: z.number().int().min(1_000).default(300_000),
  /** SumSub simulator: wait before each review step; Kriptomat simulator: decision time after pending. */
  reviewDelayMs: z.number().int().min(0).default(500),
  decisionDelayMs: z.number().int().min(0).default(1_000),
  /**
   * Keep the run's folder (server database and log, worker log, what the simulators saw, every case's
   * verdict and calls) even when every check passed; a failed run always keeps it.
   */
  keepLogs: z.boolean().default(false),
  /**
   * The folder the dated report goes to (chaos/report-page.ts): docs/results/ for a run by hand, a
   * temporary folder in tests; null writes none.
   */
  resultsDir: z.string().nullable().default(null),
});

export type ChaosOptions = z.infer<typeof chaosOptionsSchema>;
export type ChaosOptionsInput = z.input<typeof chaosOptionsSchema>;

/**
 * The smaller run inside `npm test`: fewer cases, shorter deadlines, the same kinds of chaos (worker kills,
 * one server restart, every fault) so CI proves the same properties in a couple of minutes at most.
 */
export const SMALL_CHAOS_RUN: ChaosOptionsInput = {
  cases: 42,
  workerKills: 2,
  serverRestarts: 1,
  seed: 7,
  deadlineMs: 30_000,
  startSpreadMs: 6_000,
  chaosWindowMs: 28_000,
  maxDowntimeMs: 1_500,
  settleBoundMs: 120_000,
};
