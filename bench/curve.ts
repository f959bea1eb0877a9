import type { CurveLevel, CurveResult, ThroughputSide } from './report-schema';
import { percentiles, runPool, userIds, waitForCount } from './cases';
import type { TaskWaits } from './latency';
import { engineLatencies, paced } from './latency';
import { watchPgActivity } from './pg-activity';
import os from 'node:os';
import { machineBusyMs, round, sampleProcess } from './process-stats';
import type { BenchStack } from './stack';
import { sidePids } from './stack';

/** The levels of the curve, in % of the measured capacity. */
export const CURVE_LEVELS = [25, 50, 75, 100] as const;

export interface CurveOptions {
  /** The engine's side of the throughput measure: all cases at once, so its rate is the capacity. */
  capacity: ThroughputSide;
  /** How long each level starts cases for: its case count is the rate times this. */
  levelSeconds: number;
  /** At least this many cases per level, so that its p99 means something. */
  minCases: number;
  tag: string;
  /** Progress, one line per level. */
  say: (line: string) => void;
}

/**
 * Latency as a function of load: the engine alone (no skeleton beside it, so the load is what the level
 * says) at 25, 50, 75 and 100 % of the capacity the throughput flood measured on the same stack, each level
 * an open arrival process at a fixed rate. Each level waits for its cases to end before the next, so one
 * level's backlog does not become the next one's latency; CPU is sampled over the same span.
 */
export async function measureCurve(stack: BenchStack, options: CurveOptions): Promise<CurveResult> {
  const capacity = options.capacity.casesPerSecond;
  const levels: CurveLevel[] = [];
  for (const percent of CURVE_LEVELS) {
    const rate = round((capacity * percent) / 100, 2);
    const cases = Math.max(options.minCases, Math.round(rate * options.levelSeconds));
    const level = await measureLevel(stack, { percent, rate, cases, tag: `${options.tag}${percent}` });
    options.say(
      `${percent} % (${rate}/s, ${cases} cases): PUT → running p50/p99 ${level.startToRunning.p50}/` +
        `${level.startToRunning.p99} ms, webhook → import ${level.webhookToImport.p50}/` +
        `${level.webhookToImport.p99} ms; busiest: ${level.saturates} ${level.cpuPercent[level.saturates]} %`,
    );
    levels.push(level);
  }
  return {
    capacityPerSecond: capacity,
    capacityCases: options.capacity.cases,
    levelSeconds: options.levelSeconds,
    atCapacity: {
      cpuMsPerCase: options.capacity.cpuMsPerCase,
      cpuPercent: options.capacity.cpuPercent,
      historyEvents: options.capacity.historyEvents,
      saturates: busiest(options.capacity.cpuPercent),
      pgActivity: options.capacity.pgActivity,
    },
    levels,
  };
}

async function measureLevel(
  stack: BenchStack,
  level: { percent: number; rate: number; cases: number; tag: string },
): Promise<CurveLevel> {
  const users = userIds('not_started', level.tag, level.cases);
  stack.users.complete(`not_started-${level.tag}-`);
  const pids = sidePids(stack.pids, 'engine');
  const before = cpuOf(pids);
  const pg = stack.database ? await watchPgActivity(stack.database) : null;
  const machineBefore = machineBusyMs();
  const putAt = new Map<string, number>();
  const started = Date.now();
  await paced(users, level.rate, async (userId) => {
    putAt.set(userId, Date.now());
    const status = await stack.putCase(userId);
    if (status !== 202) throw new Error(`PUT /v1/cases/${userId} answered ${status}`);
  });
  const sentSeconds = (Date.now() - started) / 1000;
  const query = `WorkflowId STARTS_WITH "kyc:not_started-${level.tag}-" AND ExecutionStatus="Completed"`;
  await waitForCount(stack.client, query, level.cases, 120_000 + level.cases * 600, 250);
  const elapsedMs = Date.now() - started;
  const after = cpuOf(pids);
  const machineUsed = machineBusyMs() - machineBefore;
  const pgActivity = pg ? await pg.stop() : null;
  const used = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  const cpuPercent = Object.fromEntries(
    Object.keys(pids).map((name) => [name, round((used(name) / elapsedMs) * 100, 1)]),
  );
  const ours = Object.keys(pids).reduce((sum, name) => sum + used(name), 0);
  // The engine's processes are the bench's children; the skeleton worker idles. Whatever else ran is outside.
  const outsidePercent = round((Math.max(0, machineUsed - ours) / elapsedMs) * 100, 1);

  const start: number[] = [];
  const webhook: number[] = [];
  const waits: TaskWaits = { workflow: [], activity: [] };
  await runPool(users, 16, async (userId) => {
    const figures = await engineLatencies(stack, userId, putAt.get(userId) ?? NaN);
    start.push(figures.startToRunning);
    if (figures.webhookToImport !== null) webhook.push(figures.webhookToImport);
    waits.workflow.push(...figures.waits.workflow);
    waits.activity.push(...figures.waits.activity);
  });
  return {
    percent: level.percent,
    ratePerSecond: level.rate,
    cases: level.cases,
    // n starts on a schedule span n - 1 intervals.
    sentPerSecond: round(Math.max(1, level.cases - 1) / Math.max(sentSeconds, 0.001), 2),
    drainSeconds: round(elapsedMs / 1000 - sentSeconds, 1),
    startToRunning: percentiles(start),
    webhookToImport: percentiles(webhook),
    taskWaits: { workflow: percentiles(waits.workflow), activity: percentiles(waits.activity) },
    cpuMsPerCase: Object.fromEntries(
      Object.keys(pids).map((name) => [name, round(used(name) / level.cases, 2)]),
    ),
    cpuPercent,
    saturates: busiest(cpuPercent),
    outsideCpuPercent: outsidePercent,
    loadAverage: round(os.loadavg()[0] ?? 0, 2),
    pgActivity,
  };
}

function cpuOf(pids: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, sampleProcess(pid).cpuMs]));
}

/** The process with the highest share of a core: the first to run out as the load grows. */
function busiest(cpuPercent: Record<string, number>): string {
  return Object.entries(cpuPercent).reduce((best, entry) => (entry[1] > best[1] ? entry : best), [
    'none',
    -1,
  ] as [string, number])[0];
}
