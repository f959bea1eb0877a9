import { z } from 'zod';

/**
 * The bench's report: what `npm run bench` writes to docs/results/bench-*.json and prints as tables. The
 * schema is the one source of its types, and the smoke test parses a fresh report with it.
 */

const count = z.number().int().nonnegative();
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
/** A figure per process: `server`, `worker`, `api`, `skeletonWorker`, `bench`. */
const perProcess = z.record(z.string(), nonNegative);

export const PercentilesSchema = z.object({ p50: nonNegative, p99: nonNegative, max: nonNegative, count });

/** PostgreSQL's busy connections while a measure ran (the cluster only): see bench/pg-activity.ts. */
export const PgActivitySchema = z.object({
  samples: count,
  databases: z.record(
    z.string(),
    z.object({ activeMean: nonNegative, activePeak: count, connectionsPeak: count }),
  ),
  /** Busy backends by what they waited on (`running`: on CPU, `Lock`, `IO`...), summed over the samples. */
  activeByWait: z.record(z.string(), count),
});

export const HistoryShapeSchema = z.object({
  events: count,
  /** Local ones included. */
  activities: count,
  localActivities: count,
  timers: count,
  signals: count,
  upserts: count,
  workflowTasks: count,
});

export const ThroughputSideSchema = z.object({
  cases: count,
  /** Cases that ended as expected (the engine: approved). */
  completedOk: count,
  /** From the first start request to the last case's close. */
  seconds: positive,
  casesPerSecond: positive,
  /** CPU time per case of each process, ms (the bench's own process runs the simulators). */
  cpuMsPerCase: perProcess,
  /** CPU of each process over the run, % of one core: at saturation, the highest is what bounds it. */
  cpuPercent: perProcess,
  /** Highest resident memory during the run, MiB. */
  peakRssMiB: perProcess,
  /** History events per case. */
  historyEvents: positive,
  /** The cluster's PostgreSQL connections during the run (null on the dev server). */
  pgActivity: PgActivitySchema.nullable(),
});

export const ThroughputSchema = z.object({
  cases: count,
  concurrency: count,
  engine: ThroughputSideSchema,
  skeleton: ThroughputSideSchema,
  /** Engine cases per second over the skeleton's (target: at least 0.9). */
  ratio: positive,
  /** Partner API calls (Kriptomat and SumSub) per engine case, by endpoint. */
  callsPerCase: perProcess,
  /** The engine's calibration run, and the skeleton made from it. */
  shape: z.object({
    engine: HistoryShapeSchema,
    skeleton: z.object({ activities: count, timers: count, signals: count }),
  }),
});

export const LatencySchema = z.object({
  cases: count,
  ratePerSecond: positive,
  /** `PUT /v1/cases/{id}` sent → a worker took up the workflow's first task; skeleton: start call → the same. */
  startToRunning: z.object({ engine: PercentilesSchema, skeleton: PercentilesSchema }),
  /** SumSub's webhook sent → Kriptomat's import request; skeleton: signal recorded → next activity started. */
  webhookToImport: z.object({ engine: PercentilesSchema, skeleton: PercentilesSchema }),
});

export const CurveLevelSchema = z.object({
  /** Of the measured capacity. */
  percent: positive,
  /** Engine cases started per second (no skeleton beside them). */
  ratePerSecond: positive,
  cases: count,
  /** What the schedule achieved: on a starved machine the PUTs themselves fall behind. */
  sentPerSecond: positive,
  /** From the last PUT until the last case ended: a backlog shows here first. */
  drainSeconds: nonNegative,
  startToRunning: PercentilesSchema,
  webhookToImport: PercentilesSchema,
  /** Every task of the level's cases, scheduled → taken up by a worker: time in the task queue, ms. */
  taskWaits: z.object({ workflow: PercentilesSchema, activity: PercentilesSchema }),
  cpuMsPerCase: perProcess,
  /** Over the level, % of one core. */
  cpuPercent: perProcess,
  /** The process with the highest CPU share. */
  saturates: z.string(),
  /**
   * CPU of everything else on the machine over the level (other test suites, the idle skeleton worker), %
   * of one core: out of the machine's `cpus` × 100.
   */
  outsideCpuPercent: nonNegative,
  /** The 1-minute load average as the level ended. */
  loadAverage: nonNegative,
  pgActivity: PgActivitySchema.nullable(),
});

export const CurveSchema = z.object({
  /** Engine cases per second with every case started at once (the throughput measure's engine side). */
  capacityPerSecond: positive,
  capacityCases: count,
  levelSeconds: positive,
  /** Costs in that flood: CPU per case and share of a core per process, history events per case. */
  atCapacity: z.object({
    cpuMsPerCase: perProcess,
    cpuPercent: perProcess,
    historyEvents: positive,
    saturates: z.string(),
    pgActivity: PgActivitySchema.nullable(),
  }),
  levels: z.array(CurveLevelSchema),
});

export const WaitingFiguresSchema = z.object({
  /** Resident memory of each process, MiB. */
  rssMiB: perProcess,
  /** CPU of each process while the cases wait, % of one core. */
  cpuPercent: perProcess,
});

export const ScaleSideSchema = WaitingFiguresSchema.extend({
  cases: count,
  /** From the first start request until every case shows its waiting phase. */
  startSeconds: positive,
  startsPerSecond: positive,
  /** Highest resident memory while they were starting, MiB. */
  peakRssMiB: perProcess,
});

export const ScaleSchema = z.object({
  cases: count,
  waitSeconds: positive,
  /** The same processes before any case. */
  idle: WaitingFiguresSchema,
  skeleton: ScaleSideSchema,
  engine: ScaleSideSchema,
});

/** Reads of a small sample of watches on the default schedule compressed: measured in the simulator's log. */
export const WatchSampleSchema = z.object({
  users: count,
  /** How long a day of the default schedule lasted. */
  daySeconds: positive,
  /** The compressed gaps, ms (the last repeats). */
  scheduleMs: z.array(positive),
  /** From the first sample watch's start until the reads were counted. */
  windowSeconds: positive,
  /** Kriptomat reads per user in the window, from the simulator's log. */
  readsPerUser: nonNegative,
  /** What the schedule predicts for the same window: gaps without jitter, mean and full jitter. */
  expectedReadsPerUser: z.object({ noJitter: count, meanJitter: count, fullJitter: count }),
  /** Measured reads over the mean-jitter prediction: 1 is one read per scheduled gap. */
  readsPerScheduledGap: nonNegative,
  /** Measured reads per user per compressed day of the window. */
  readsPerCompressedDay: nonNegative,
  /** Each observed gap (start → first read, read → next read) over its scheduled gap: 1 to 1 + jitter. */
  gapOverSchedule: z.object({ min: nonNegative, mean: nonNegative, max: nonNegative }),
  /** Sample watches whose own read count (`getWatchState`) differed from the log, or whose last read failed. */
  stateMismatches: count,
});

/** The default schedule's reads, computed from the watch's `readGap`: a model, not a measurement. */
export const WatchModelSchema = z.object({
  schedule: z.array(z.string()),
  jitter: nonNegative,
  days: positive,
  reads: z.object({ noJitter: count, meanJitter: count }),
  readsPerDay: z.object({ noJitter: nonNegative, meanJitter: nonNegative }),
  /** Reads in the first two days, without jitter. */
  firstTwoDays: count,
  /** Reads per day once the last gap repeats, with the mean jitter. */
  steadyReadsPerDay: nonNegative,
});

export const WatchSchema = WaitingFiguresSchema.extend({
  /** Watches started and left waiting (their next read a day away). */
  users: count,
  waitSeconds: positive,
  /** The same processes before any watch. */
  idle: WaitingFiguresSchema,
  /** From the first start request until every watch shows `watching`. */
  startSeconds: positive,
  startsPerSecond: positive,
  /** Highest resident memory while they were starting, MiB. */
  peakRssMiB: perProcess,
  /** Kriptomat reads of the waiting watches until the CPU was sampled: none is due for a day. */
  readsWhileWaiting: count,
  sample: WatchSampleSchema,
  model: WatchModelSchema,
});

export const ScenarioEconomySchema = z.object({
  cases: count,
  /** The phase the cases were followed to: an outcome, or where they stay waiting. */
  until: z.string(),
  reached: count,
  /** Partner API calls per case. */
  kriptomat: nonNegative,
  sumsub: nonNegative,
  total: nonNegative,
  byEndpoint: perProcess,
  /** SumSub status reads per case: one per webhook taken, plus the fallback polls for lost webhooks. */
  sumsubStatusReads: nonNegative,
  /** SumSub webhooks the engine took per case (absent from reports older than this figure). */
  sumsubWebhooks: nonNegative.optional(),
  notifications: nonNegative,
  historyEvents: positive,
});

export const DayOfReadsSchema = z.object({
  method: z.enum(['time-skipping', 'schedule-model']),
  reads: count,
  target: count,
  model: z.object({ noJitter: count, meanJitter: count }),
  note: z.string().nullable(),
});

export const EconomySchema = z.object({
  casesPerScenario: count,
  scenarios: z.record(z.string(), ScenarioEconomySchema),
  dayOfReads: DayOfReadsSchema,
  /** The onboarding skeleton's history events, beside the engine's `onboard` figure. */
  skeletonHistoryEvents: positive,
});

export const GrowthRowSchema = z.object({
  cases: count,
  throughput: ThroughputSchema.nullable(),
  scale: ScaleSchema.nullable(),
});

export const VerdictSchema = z.object({
  figure: z.string(),
  value: z.number(),
  target: z.string(),
  pass: z.boolean(),
});

export const BenchReportSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  /** `dev-server`: the CLI's dev server on SQLite; `cluster`: Temporal server on PostgreSQL (`--cluster`). */
  server: z.enum(['dev-server', 'cluster']),
  machine: z.object({
    cpus: count,
    cpuModel: z.string(),
    memoryGiB: positive,
    node: z.string(),
    os: z.string(),
    temporal: z.string(),
    database: z.string(),
    /** The 1, 5 and 15 minute load averages before and after the run (other work on the machine). */
    loadBefore: z.array(nonNegative),
    loadAfter: z.array(nonNegative),
  }),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.number())])),
  throughput: ThroughputSchema.nullable(),
  latency: LatencySchema.nullable(),
  /** Latency at 25, 50, 75 and 100 % of the measured capacity. */
  curve: CurveSchema.nullable(),
  scale: ScaleSchema.nullable(),
  economy: EconomySchema.nullable(),
  /** The watch of approved users (absent from reports older than this measure). */
  watch: WatchSchema.nullable().optional(),
  growth: z.array(GrowthRowSchema),
  verdicts: z.array(VerdictSchema),
});

export type Percentiles = z.infer<typeof PercentilesSchema>;
export type ThroughputSide = z.infer<typeof ThroughputSideSchema>;
export type ThroughputResult = z.infer<typeof ThroughputSchema>;
export type LatencyResult = z.infer<typeof LatencySchema>;
export type PgActivity = z.infer<typeof PgActivitySchema>;
export type CurveLevel = z.infer<typeof CurveLevelSchema>;
export type CurveResult = z.infer<typeof CurveSchema>;
export type WaitingFigures = z.infer<typeof WaitingFiguresSchema>;
export type ScaleSide = z.infer<typeof ScaleSideSchema>;
export type ScaleResult = z.infer<typeof ScaleSchema>;
export type ScenarioEconomy = z.infer<typeof ScenarioEconomySchema>;
export type DayOfReadsResult = z.infer<typeof DayOfReadsSchema>;
export type EconomyResult = z.infer<typeof EconomySchema>;
export type WatchSample = z.infer<typeof WatchSampleSchema>;
export type WatchModel = z.infer<typeof WatchModelSchema>;
export type WatchResult = z.infer<typeof WatchSchema>;
export type GrowthRow = z.infer<typeof GrowthRowSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;
export type BenchReport = z.infer<typeof BenchReportSchema>;
