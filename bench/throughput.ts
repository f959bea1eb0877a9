import { kycWorkflowId } from '../domain';
import type { ThroughputResult, ThroughputSide } from './report-schema';
import type { Calibration } from './calibrate';
import { countWorkflows, executionTimes, runPool, userIds, waitForCount } from './cases';
import { watchPgActivity } from './pg-activity';
import { mib, round, sampleProcess, watchPeakRss } from './process-stats';
import type { BenchStack } from './stack';
import { SKELETON_TASK_QUEUE, sidePids } from './stack';

export const USER_ACTION = 'sumsub.testCompleted';

export interface ThroughputOptions {
  cases: number;
  concurrency: number;
  /** Identifies this run's users (`not_started-<tag>-<n>`). */
  tag: string;
  calibration: Calibration;
  skeletonShape: ThroughputResult['shape']['skeleton'];
}

/**
 * Completed cases per second on the full onboarding path (not_started → SumSub GREEN → import → pending →
 * passed), every case started at once through `PUT /v1/cases/{id}`, against the skeleton with the same
 * activities, timers and signals started straight from a client, on the same server. The skeleton runs
 * first, so the engine's run is the one on the fuller database.
 */
export async function measureThroughput(
  stack: BenchStack,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  stack.users.complete(`not_started-${options.tag}-`);
  const skeleton = await runSide(stack, options, 'skeleton');
  const engine = await runSide(stack, options, 'engine');
  return {
    cases: options.cases,
    concurrency: options.concurrency,
    engine,
    skeleton,
    ratio: round(engine.casesPerSecond / skeleton.casesPerSecond, 3),
    callsPerCase: callsPerCase(stack, userIds('not_started', options.tag, options.cases)),
    shape: { engine: options.calibration.engine, skeleton: options.skeletonShape },
  };
}

async function runSide(
  stack: BenchStack,
  options: ThroughputOptions,
  side: 'engine' | 'skeleton',
): Promise<ThroughputSide> {
  const { client } = stack;
  const users = userIds('not_started', options.tag, options.cases);
  const ids = users.map((userId) => (side === 'engine' ? kycWorkflowId(userId) : `skeleton:${userId}`));
  const prefix =
    side === 'engine' ? `kyc:not_started-${options.tag}-` : `skeleton:not_started-${options.tag}-`;
  const scope = `WorkflowId STARTS_WITH "${prefix}"`;
  const pids = sidePids(stack.pids, side);
  const before = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, sampleProcess(pid).cpuMs]),
  );
  const peaks = watchPeakRss(pids);
  const pg = stack.database ? await watchPgActivity(stack.database) : null;
  let peakRss: Record<string, number>;
  const started = Date.now();
  try {
    await runPool(users, options.concurrency, async (userId, index) => {
      if (side === 'engine') {
        const status = await stack.putCase(userId);
        if (status !== 202) throw new Error(`PUT /v1/cases/${userId} answered ${status}`);
      } else {
        await client.workflow.start('skeletonCase', {
          workflowId: ids[index] ?? userId,
          taskQueue: SKELETON_TASK_QUEUE,
          args: [options.calibration.steps],
        });
      }
    });
    // Generous: a case takes well under a second of work, but 2 cores share everything (and other suites).
    const timeoutMs = 120_000 + options.cases * 600;
    await waitForCount(client, `${scope} AND ExecutionStatus="Completed"`, options.cases, timeoutMs, 500);
  } finally {
    peakRss = peaks.stop();
  }
  const allDoneAt = Date.now();
  const pgActivity = pg ? await pg.stop() : null;
  const cpuMs = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, sampleProcess(pid).cpuMs - (before[name] ?? 0)]),
  );
  const cpuMsPerCase = Object.fromEntries(
    Object.entries(cpuMs).map(([name, ms]) => [name, round(ms / options.cases, 2)]),
  );
  // Over the sampled span (first start to the count seeing the last close), so that shares add up.
  const cpuPercent = Object.fromEntries(
    Object.entries(cpuMs).map(([name, ms]) => [name, round((ms / (allDoneAt - started)) * 100, 1)]),
  );
  const times = await executionTimes(client, scope);
  const lastClose = Math.max(...times.map((row) => row.closeMs ?? 0));
  const seconds = (lastClose - started) / 1000;
  const completedOk =
    side === 'engine'
      ? await countWorkflows(client, `${scope} AND ExecutionStatus="Completed" AND KycOutcome="approved"`)
      : times.filter((row) => row.closeMs !== null).length;
  const historyEvents = times.reduce((sum, row) => sum + row.historyLength, 0) / Math.max(1, times.length);
  return {
    cases: options.cases,
    completedOk,
    seconds: round(seconds, 2),
    casesPerSecond: round(options.cases / seconds, 2),
    cpuMsPerCase,
    cpuPercent,
    peakRssMiB: Object.fromEntries(Object.entries(peakRss).map(([name, bytes]) => [name, mib(bytes)])),
    historyEvents: round(historyEvents, 1),
    pgActivity,
  };
}

/** Partner API calls per case, by endpoint, from the simulators' request log. */
function callsPerCase(stack: BenchStack, users: string[]): Record<string, number> {
  const wanted = new Set(users);
  const calls: Record<string, number> = {};
  for (const request of stack.sandbox.log.requests) {
    if (request.userId === null || !wanted.has(request.userId)) continue;
    const endpoint = `${request.service}.${request.endpoint}`;
    // The user's own review (the bench acting as the person at SumSub) is not the engine's call.
    if (endpoint !== USER_ACTION) calls[endpoint] = (calls[endpoint] ?? 0) + 1;
  }
  return Object.fromEntries(
    Object.entries(calls).map(([endpoint, count]) => [endpoint, round(count / users.length, 2)]),
  );
}
