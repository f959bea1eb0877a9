import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveTemporalCli } from '../scripts/temporal-cli';
import { calibrateOnboarding, calibrateWaiting } from './calibrate';
import { measureCurve } from './curve';
import { measureDayOfReads } from './day-of-reads';
import { measureEconomy } from './economy';
import { measureLatency } from './latency';
import type { BenchReport, CurveResult, GrowthRow, ScaleResult, ThroughputResult } from './report-schema';
import { measureScale } from './scale';
import type { ServerKind, ServerSource } from './server';
import { clusterSource, devServerSource } from './server';
import { shapeOfSteps } from './skeleton-plan';
import type { BenchStack, StackOptions } from './stack';
import { startStack } from './stack';
import { measureThroughput } from './throughput';
import { verdictsOf } from './verdicts';
import { measureWatch } from './watch';

export const MEASURES = ['throughput', 'curve', 'latency', 'scale', 'economy', 'growth', 'watch'] as const;
export type Measure = (typeof MEASURES)[number];
/**
 * What `npm run bench` measures when no measure is named: the headline figures, in under 10 minutes on 2
 * cores. The curve, scale, watch and growth take from minutes to hours and run only when named.
 */
export const DEFAULT_MEASURES: readonly Measure[] = ['throughput', 'latency', 'economy'];

export interface BenchOptions {
  measures: Measure[];
  /** Case counts of the growth measure: throughput and scale at each. */
  sizes: number[];
  throughputCases: number;
  scaleCases: number;
  latencyCases: number;
  /**
   * Engine cases per second of the latency measure, as many skeletons beside them; `auto`: a quarter of the
   * capacity the throughput measure found in this run, so engine and skeleton together load the server to
   * about half of it (2 a second when no throughput ran).
   */
  latencyRate: number | 'auto';
  /** How long each level of the curve starts cases for. */
  curveSeconds: number;
  /** The dev server (SQLite) or the production topology (Temporal server on PostgreSQL). */
  server: ServerKind;
  /** The cluster's directory (`--cluster`); a fresh one under /var/tmp when not given. */
  clusterDir?: string;
  economyCases: number;
  /** How long CPU is sampled while cases wait (and on the idle stack). */
  waitSeconds: number;
  /** Start requests in flight at once. */
  concurrency: number;
  /**
   * Timings of the latency and economy stack's cases, as the API reads them; the defaults (empty) are what
   * a partner's cases get. The smoke test shortens the Kriptomat poll.
   */
  economyTimings?: Record<string, string>;
  /** Watches of approved users started and left waiting in the watch measure. */
  watchUsers: number;
  /** The watch measure's read sample: watches on the default schedule compressed so that a day lasts... */
  watchSampleUsers: number;
  /** ...this many seconds, their reads counted for `watchSampleSeconds`. */
  watchDaySeconds: number;
  watchSampleSeconds: number;
  /** Where the dev server keeps SQLite. */
  db: 'file' | 'memory';
  sumsubQuota: StackOptions['sumsubQuota'];
  logLevel: string;
  /** Extra settings of both workers (`KYC_MAX_CACHED_WORKFLOWS`: `500`), to try a tuning. */
  workerSettings: Record<string, string>;
  /** A Temporal CLI; found or built as `npm start` does when not given. */
  temporalCli?: string;
  /** Keep every process's log (and the database) under the work directory. */
  keepLogs: boolean;
  say: (line: string) => void;
}

/** Timings of the throughput and latency stacks: Kriptomat polled a second after the import. */
const FAST_READS = { KYC_READ_SCHEDULE: '1s' };
/** Timings of the scale stacks: nothing due for an hour, so what CPU the waiting cases use is waste. */
const IDLE_HOUR = { KYC_READ_SCHEDULE: '1h', KYC_REVIEW_READ_INTERVAL: '1h' };

/** Without a capacity measured in the run, the latency measure's rate (engine cases a second). */
const FALLBACK_LATENCY_RATE = 2;

/**
 * Runs the chosen measures, each on a fresh stack (on the cluster: fresh workers and API, one server and
 * database for the whole run), and returns the report (not yet written).
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'kyc-bench-'));
  const server: ServerSource =
    options.server === 'cluster'
      ? clusterSource(
          options.clusterDir ?? `/var/tmp/kyc-bench-cluster-${startedAt.replace(/[:.]/g, '-')}`,
          options.say,
        )
      : devServerSource(options.temporalCli ?? (await resolveTemporalCli({ log: options.say })), options.db);
  const wants = (measure: Measure) => options.measures.includes(measure);
  const growthSizes = wants('growth') ? options.sizes : [];
  // The curve's capacity is the throughput measure's engine rate, and its levels run on that stack.
  const wantsFlood = wants('throughput') || wants('curve');
  const throughputSizes = unique([...growthSizes, ...(wantsFlood ? [options.throughputCases] : [])]);
  const scaleSizes = unique([...growthSizes, ...(wants('scale') ? [options.scaleCases] : [])]);
  let failed = true;
  try {
    const withStack = async <T>(
      name: string,
      caseTimings: Record<string, string>,
      run: (stack: BenchStack) => Promise<T>,
    ) => {
      options.say(`[bench] ${name}`);
      const stack = await startStack({
        server,
        workDir: await mkdtemp(path.join(workDir, `${name.replace(/\W+/g, '-')}-`)),
        caseTimings,
        logLevel: options.logLevel,
        workerSettings: options.workerSettings,
        sumsubQuota: options.sumsubQuota,
        say: (line) => options.say(`  ${line}`),
      });
      try {
        return await run(stack);
      } finally {
        await stack.stop();
      }
    };

    const throughputs = new Map<number, ThroughputResult>();
    let curve: CurveResult | null = null;
    for (const cases of throughputSizes) {
      const withCurve = wants('curve') && cases === options.throughputCases;
      const name = `throughput, ${cases} cases${withCurve ? ', then the latency curve' : ''}`;
      const result = await withStack(name, FAST_READS, async (stack) => {
        const calibration = await calibrateOnboarding(stack, `c${cases}`);
        const measured = await measureThroughput(stack, {
          cases,
          concurrency: options.concurrency,
          tag: `t${cases}`,
          calibration,
          skeletonShape: shapeOfSteps(calibration.steps),
        });
        options.say(
          `  ${measured.engine.casesPerSecond} cases/s, skeleton ${measured.skeleton.casesPerSecond}: ${measured.ratio}`,
        );
        if (withCurve) {
          curve = await measureCurve(stack, {
            capacity: measured.engine,
            levelSeconds: options.curveSeconds,
            minCases: 3,
            tag: 'v',
            say: (line) => options.say(`  ${line}`),
          });
        }
        return measured;
      });
      throughputs.set(cases, result);
    }

    const scales = new Map<number, ScaleResult>();
    for (const cases of scaleSizes) {
      const result = await withStack(`scale, ${cases} cases waiting`, IDLE_HOUR, async (stack) => {
        const user = await calibrateWaiting(stack, 'not_started', 'awaiting_user', `c${cases}`);
        const kriptomat = await calibrateWaiting(stack, 'pending_forever', 'awaiting_kriptomat', `c${cases}`);
        return measureScale(stack, {
          cases,
          concurrency: options.concurrency,
          waitSeconds: options.waitSeconds,
          tag: `s${cases}`,
          calibration: { user, kriptomat },
        });
      });
      scales.set(cases, result);
      options.say(
        `  started in ${result.engine.startSeconds} s; worker ${result.engine.rssMiB.worker} MiB waiting`,
      );
    }

    let watch: BenchReport['watch'] = null;
    if (wants('watch')) {
      // No case runs on this stack: its case timings are the scale's, for the same quiet server.
      watch = await withStack(`watch, ${options.watchUsers} approved users watched`, IDLE_HOUR, (stack) =>
        measureWatch(stack, {
          users: options.watchUsers,
          concurrency: options.concurrency,
          waitSeconds: options.waitSeconds,
          tag: `w${options.watchUsers}`,
          sampleUsers: options.watchSampleUsers,
          daySeconds: options.watchDaySeconds,
          sampleSeconds: options.watchSampleSeconds,
        }),
      );
      options.say(
        `  started in ${watch.startSeconds} s; worker ${watch.rssMiB.worker} MiB, ` +
          `${watch.cpuPercent.worker} % CPU waiting; ${watch.sample.readsPerUser} reads per sample user`,
      );
    }

    let latency: BenchReport['latency'] = null;
    let economy: BenchReport['economy'] = null;
    if (wants('latency') || wants('economy')) {
      // The default timings (Kriptomat polled 30 s after an import): economy counts what a partner's cases cost.
      await withStack('latency and economy', options.economyTimings ?? {}, async (stack) => {
        const calibration = await calibrateOnboarding(stack, 'cl');
        if (wants('latency')) {
          latency = await measureLatency(stack, {
            cases: options.latencyCases,
            ratePerSecond: latencyRate(options, throughputs.get(options.throughputCases)),
            tag: 'l',
            calibration,
          });
        }
        if (wants('economy')) {
          economy = await measureEconomy(stack, {
            casesPerScenario: options.economyCases,
            tag: 'e',
            calibration,
            dayOfReads: () => measureDayOfReads(options.say),
          });
        }
      });
    }

    const growth: GrowthRow[] = growthSizes.map((cases) => ({
      cases,
      throughput: throughputs.get(cases) ?? null,
      scale: scales.get(cases) ?? null,
    }));
    const partial = {
      startedAt,
      finishedAt: new Date().toISOString(),
      server: server.kind,
      machine: await machine(server, loadBefore),
      settings: settingsOf(options),
      throughput: wantsFlood ? (throughputs.get(options.throughputCases) ?? null) : null,
      latency,
      curve,
      scale: wants('scale') ? (scales.get(options.scaleCases) ?? null) : null,
      economy,
      watch,
      growth,
    };
    failed = false;
    return { ...partial, verdicts: verdictsOf(partial) };
  } finally {
    await server.close(options.keepLogs || failed);
    if (options.keepLogs || failed) options.say(`[bench] logs kept in ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

/** The latency measure's engine rate: given, or a quarter of this run's capacity (see `latencyRate`). */
function latencyRate(options: BenchOptions, throughput: ThroughputResult | undefined): number {
  if (options.latencyRate !== 'auto') return options.latencyRate;
  if (!throughput) return FALLBACK_LATENCY_RATE;
  return Math.max(0.1, Math.round(throughput.engine.casesPerSecond * 25) / 100);
}

function unique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function settingsOf(options: BenchOptions): BenchReport['settings'] {
  const {
    say: _say,
    temporalCli: _cli,
    clusterDir,
    measures,
    economyTimings,
    workerSettings,
    ...rest
  } = options;
  const pairs = (values: Record<string, string> | undefined) =>
    Object.entries(values ?? {}).map(([name, value]) => `${name}=${value}`);
  return {
    ...rest,
    ...(clusterDir !== undefined && { clusterDir }),
    measures: measures.join(','),
    economyTimings: pairs(economyTimings).join(' ') || 'defaults',
    workerSettings: pairs(workerSettings).join(' ') || 'defaults',
  };
}

async function machine(server: ServerSource, loadBefore: number[]): Promise<BenchReport['machine']> {
  const cpus = os.cpus();
  const { temporal, database } = await server.describe();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.versions.node,
    os: `${os.type()} ${os.release()}`,
    temporal,
    database,
    loadBefore: loadBefore.map((value) => Math.round(value * 100) / 100),
    loadAfter: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
