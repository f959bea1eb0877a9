import type { Calibration } from './calibrate';
import type { ScaleResult, ScaleSide, WaitingFigures } from './report-schema';
import { runPool, terminateAll, userIds, waitForCount } from './cases';
import { cpuPercentOver, mib, round, sampleProcess, watchPeakRss } from './process-stats';
import type { BenchStack } from './stack';
import { SKELETON_TASK_QUEUE, sidePids } from './stack';

export interface ScaleOptions {
  cases: number;
  concurrency: number;
  waitSeconds: number;
  tag: string;
  /** The engine's way to `awaiting_user` (a new applicant) and to `awaiting_kriptomat` (a pending user). */
  calibration: { user: Calibration; kriptomat: Calibration };
}

const WAITING = `KycPhase IN ("awaiting_user", "awaiting_kriptomat") AND ExecutionStatus="Running"`;
/** After the last case shows its phase, its notification and webhook may still be on their way. */
const SETTLE_MS = 5_000;

/**
 * `cases` cases open at once and waiting, half in `awaiting_user` (never-verified users at SumSub), half in
 * `awaiting_kriptomat` (users Kriptomat never decides): how long they take to start, what the processes
 * hold in memory, and what CPU they use while nothing is due (the stack's timings put the next look an hour
 * away, so any CPU here is the cost of waiting itself). The skeleton first, with the same way to each
 * waiting phase; it is terminated before the engine's cases start.
 */
export async function measureScale(stack: BenchStack, options: ScaleOptions): Promise<ScaleResult> {
  const all = { ...stack.pids, bench: process.pid };
  const idle = await waitingFigures(all, options.waitSeconds);
  const skeleton = await runSide(stack, options, 'skeleton');
  await terminateAll(stack.client, `WorkflowType="skeletonCase"`);
  const engine = await runSide(stack, options, 'engine');
  return { cases: options.cases, waitSeconds: options.waitSeconds, idle, skeleton, engine };
}

async function runSide(
  stack: BenchStack,
  options: ScaleOptions,
  side: 'engine' | 'skeleton',
): Promise<ScaleSide> {
  const half = Math.ceil(options.cases / 2);
  const users = [
    ...userIds('not_started', options.tag, half),
    ...userIds('pending_forever', options.tag, options.cases - half),
  ];
  const pids = sidePids(stack.pids, side);
  const peaks = watchPeakRss(pids);
  const started = Date.now();
  let ready: number;
  let peakRss: Record<string, number>;
  try {
    await runPool(users, options.concurrency, async (userId, index) => {
      if (side === 'engine') {
        const status = await stack.putCase(userId);
        if (status !== 202) throw new Error(`PUT /v1/cases/${userId} answered ${status}`);
        return;
      }
      const { steps } = index < half ? options.calibration.user : options.calibration.kriptomat;
      await stack.client.workflow.start('skeletonCase', {
        workflowId: `skeleton:${userId}`,
        taskQueue: SKELETON_TASK_QUEUE,
        args: [steps],
      });
    });
    const type = side === 'engine' ? 'kycCase' : 'skeletonCase';
    const timeoutMs = 120_000 + options.cases * 200;
    ready = await waitForCount(
      stack.client,
      `WorkflowType="${type}" AND ${WAITING}`,
      options.cases,
      timeoutMs,
      500,
    );
  } finally {
    peakRss = peaks.stop();
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const waiting = await waitingFigures(pids, options.waitSeconds);
  const seconds = (ready - started) / 1000;
  return {
    cases: options.cases,
    startSeconds: round(seconds, 2),
    startsPerSecond: round(options.cases / seconds, 1),
    peakRssMiB: Object.fromEntries(Object.entries(peakRss).map(([name, bytes]) => [name, mib(bytes)])),
    ...waiting,
  };
}

/** Resident memory of each process now, and its CPU over `seconds`. */
export async function waitingFigures(pids: Record<string, number>, seconds: number): Promise<WaitingFigures> {
  const cpuPercent = await cpuPercentOver(pids, seconds * 1000);
  const rssMiB = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, mib(sampleProcess(pid).rssBytes)]),
  );
  return { rssMiB, cpuPercent };
}
