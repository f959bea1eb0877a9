import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ApprovedUserWatchInput } from '../domain';
import { DEFAULT_WATCH_SETTINGS, readGap, watchWorkflowId } from '../domain';
import { scenarioForUser } from '../sandbox/scenarios';
import { runPool, userIds, waitForCount } from './cases';
import { mib, round, watchPeakRss } from './process-stats';
import type { WatchModel, WatchResult, WatchSample } from './report-schema';
import { waitingFigures } from './scale';
import type { BenchStack } from './stack';
import { ENGINE_TASK_QUEUE, sidePids } from './stack';
import { getWatchStateQuery } from '../workflows/watch-messages';

const DAY_MS = 24 * 3600 * 1000;
/** The days over which the model counts the default schedule's reads (a month of a watched user). */
export const MODEL_DAYS = 30;
/** The sandbox scenario of every watched user: Kriptomat answers `passed` on every read, so nothing changes. */
const SCENARIO = 'passed';
/**
 * After the last watch shows `watching`, the worker still works for a while (at 10,000 watches its CPU took
 * about a minute to fall from a core to 1 %): the CPU is sampled after a settle that grows with the watches.
 */
function settleMs(users: number): number {
  return Math.min(90_000, 5_000 + users * 8);
}

export interface WatchOptions {
  /** Watches started and left waiting. */
  users: number;
  concurrency: number;
  /** How long CPU is sampled while they wait (and on the idle stack). */
  waitSeconds: number;
  tag: string;
  /** The measured sample: this many more watches, on the default schedule compressed so a day lasts `daySeconds`. */
  sampleUsers: number;
  daySeconds: number;
  /** How long the sample's reads are counted for, from its last start. */
  sampleSeconds: number;
}

/**
 * The watch of approved users (workflows/approved-user-watch.ts), two ways:
 * - `users` watches of `passed` users, started as an approved case starts them (the engine's input, encrypted
 *   by its data converter) but directly from the bench: how long they take to start, what the processes hold
 *   in memory and what CPU they use while they wait (the default schedule puts every read a day away, so any
 *   CPU is the cost of waiting itself), beside the same processes before any watch;
 * - the Kriptomat reads, measured on a small sample whose schedule is the default one compressed (a day lasts
 *   `daySeconds`), counted in the simulator's log, set against what the schedule predicts for the same window;
 *   and modelled for the default schedule over a month with the watch's own `readGap`.
 */
export async function measureWatch(stack: BenchStack, options: WatchOptions): Promise<WatchResult> {
  const all = { ...stack.pids, bench: process.pid };
  const idle = await waitingFigures(all, options.waitSeconds);
  const users = userIds(SCENARIO, options.tag, options.users);
  const pids = sidePids(stack.pids, 'engine');
  const peaks = watchPeakRss(pids);
  const started = Date.now();
  let ready: number;
  let peakRss: Record<string, number>;
  try {
    await runPool(users, options.concurrency, async (userId) => {
      await startWatch(stack, userId, {});
    });
    ready = await waitForCount(
      stack.client,
      `${watchesOf(options.tag)} AND KycPhase="watching" AND ExecutionStatus="Running"`,
      options.users,
      120_000 + options.users * 200,
      500,
    );
  } finally {
    peakRss = peaks.stop();
  }
  const startSeconds = (ready - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, settleMs(options.users)));
  const waiting = await waitingFigures(pids, options.waitSeconds);
  const watched = new Set(users);
  const readsWhileWaiting = stack.sandbox.log.requests.filter(
    (request) => request.endpoint === 'showUser' && request.userId !== null && watched.has(request.userId),
  ).length;
  return {
    users: options.users,
    waitSeconds: options.waitSeconds,
    idle,
    startSeconds: round(startSeconds, 2),
    startsPerSecond: round(options.users / startSeconds, 1),
    peakRssMiB: Object.fromEntries(Object.entries(peakRss).map(([name, bytes]) => [name, mib(bytes)])),
    ...waiting,
    readsWhileWaiting,
    sample: await measureSample(stack, options),
    model: defaultScheduleModel(),
  };
}

/** `kyc-watch:passed-<tag>-…`: the watches of one run of the measure. */
function watchesOf(tag: string): string {
  return `WorkflowType="approvedUserWatch" AND WorkflowId STARTS_WITH "${watchWorkflowId(`${SCENARIO}-${tag}-`)}"`;
}

/**
 * Starts `userId`'s watch with the input an approved case gives it. Without the search attributes the case
 * sets at the start: the watch's first workflow task then shows `watching` itself (one more history event), so
 * the count of watches showing it is the count a worker has taken up and left waiting on their first read.
 */
async function startWatch(stack: BenchStack, userId: string, settings: ApprovedUserWatchInput['settings']) {
  const { kycStatus, eddStatus } = scenarioForUser(userId);
  if (kycStatus !== 'passed') throw new Error(`${userId} is not a passed user of the sandbox`);
  const input: ApprovedUserWatchInput = {
    userId,
    approved: { kycStatus, eddStatus, at: new Date().toISOString() },
    ...(settings && Object.keys(settings).length > 0 && { settings }),
  };
  return stack.client.workflow.start('approvedUserWatch', {
    workflowId: watchWorkflowId(userId),
    taskQueue: ENGINE_TASK_QUEUE,
    args: [input],
  });
}

/**
 * Starts `sampleUsers` watches on the compressed schedule, counts their Kriptomat reads in the simulator's log
 * over `sampleSeconds`, and checks each against the watch's own count (its `getWatchState` query).
 */
async function measureSample(stack: BenchStack, options: WatchOptions): Promise<WatchSample> {
  const tag = `${options.tag}r`;
  const users = userIds(SCENARIO, tag, options.sampleUsers);
  const schedule = compressedSchedule(DEFAULT_WATCH_SETTINGS.schedule, options.daySeconds);
  const startMs = new Map<string, number>();
  await runPool(users, options.concurrency, async (userId) => {
    const handle = await startWatch(stack, userId, { schedule });
    startMs.set(userId, (await handle.describe()).startTime.getTime());
  });
  const windowStart = Math.min(...startMs.values());
  await new Promise((resolve) => setTimeout(resolve, options.sampleSeconds * 1000));
  const windowMs = Date.now() - windowStart;

  let stateMismatches = 0;
  await runPool(users, options.concurrency, async (userId) => {
    const state = await stack.client.workflow.getHandle(watchWorkflowId(userId)).query(getWatchStateQuery);
    const logged = stack.sandbox.log.find({ service: 'kriptomat', endpoint: 'showUser', userId }).length;
    if (state.reads !== logged || state.lastError !== null) stateMismatches += 1;
  });

  let reads = 0;
  const ratios: number[] = [];
  const gaps = schedule.map(msToNumber);
  for (const userId of users) {
    const times = stack.sandbox.log
      .find({ service: 'kriptomat', endpoint: 'showUser', userId })
      .map((request) => request.at)
      .sort((a, b) => a - b);
    reads += times.length;
    let previous = startMs.get(userId) ?? windowStart;
    times.forEach((at, index) => {
      const base = gaps[Math.min(index, gaps.length - 1)] ?? 1;
      ratios.push((at - previous) / base);
      previous = at;
    });
  }
  await Promise.all(
    users.map((userId) =>
      stack.client.workflow
        .getHandle(watchWorkflowId(userId))
        .terminate('bench: watch reads counted')
        .catch(() => undefined),
    ),
  );
  const expected = {
    noJitter: readsWithin(schedule, 0, 0, windowMs),
    meanJitter: readsWithin(schedule, DEFAULT_WATCH_SETTINGS.jitter, 0.5, windowMs),
    fullJitter: readsWithin(schedule, DEFAULT_WATCH_SETTINGS.jitter, 1, windowMs),
  };
  const readsPerUser = reads / users.length;
  const windowDays = windowMs / (options.daySeconds * 1000);
  return {
    users: users.length,
    daySeconds: options.daySeconds,
    scheduleMs: gaps,
    windowSeconds: round(windowMs / 1000, 1),
    readsPerUser: round(readsPerUser, 2),
    expectedReadsPerUser: expected,
    readsPerScheduledGap: expected.meanJitter > 0 ? round(readsPerUser / expected.meanJitter, 2) : 0,
    readsPerCompressedDay: round(readsPerUser / windowDays, 3),
    gapOverSchedule: {
      min: ratios.length > 0 ? round(Math.min(...ratios), 3) : 0,
      mean: ratios.length > 0 ? round(ratios.reduce((sum, r) => sum + r, 0) / ratios.length, 3) : 0,
      max: ratios.length > 0 ? round(Math.max(...ratios), 3) : 0,
    },
    stateMismatches,
  };
}

/** The schedule with every gap scaled so that a day lasts `daySeconds` (milliseconds, whole). */
export function compressedSchedule(schedule: readonly Duration[], daySeconds: number): number[] {
  return schedule.map((gap) => Math.max(1, Math.round((msToNumber(gap) * daySeconds * 1000) / DAY_MS)));
}

/**
 * Reads a watch makes within `windowMs` of its start: its first read comes one gap after the start, every
 * later one a gap after the read before, each gap stretched by `fraction` of the jitter (`readGap`, as the
 * workflow draws it).
 */
export function readsWithin(
  schedule: readonly Duration[],
  jitter: number,
  fraction: number,
  windowMs: number,
): number {
  let reads = 0;
  let elapsed = 0;
  for (;;) {
    elapsed += readGap(schedule, reads, jitter, () => fraction);
    if (elapsed > windowMs) return reads;
    reads += 1;
  }
}

/** The default schedule's reads per user over `MODEL_DAYS`, and per day: computed, not measured. */
export function defaultScheduleModel(): WatchModel {
  const { schedule, jitter } = DEFAULT_WATCH_SETTINGS;
  const window = MODEL_DAYS * DAY_MS;
  const noJitter = readsWithin(schedule, 0, 0, window);
  const meanJitter = readsWithin(schedule, jitter, 0.5, window);
  const last = msToNumber(schedule.at(-1) ?? '1d');
  return {
    schedule: schedule.map(String),
    jitter,
    days: MODEL_DAYS,
    reads: { noJitter, meanJitter },
    readsPerDay: { noJitter: round(noJitter / MODEL_DAYS, 3), meanJitter: round(meanJitter / MODEL_DAYS, 3) },
    firstTwoDays: readsWithin(schedule, 0, 0, 2 * DAY_MS),
    steadyReadsPerDay: round(DAY_MS / (last * (1 + jitter / 2)), 3),
  };
}
