import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { kycWorkflowId } from '../domain';
import type { Calibration } from './calibrate';
import type { LatencyResult } from './report-schema';
import { eventMs, percentiles, runPool, userIds, waitForCount } from './cases';
import type { BenchStack } from './stack';
import { SKELETON_TASK_QUEUE } from './stack';

export interface LatencyOptions {
  cases: number;
  ratePerSecond: number;
  tag: string;
  calibration: Calibration;
}

/**
 * Latencies at a steady arrival rate (not a flood: latency under a backlog measures the backlog). Each tick
 * starts one engine case through the API and one skeleton case from a client, so both see the same moment
 * of a noisy machine. Every timestamp comes from this host's clock: the bench's (PUT, SumSub's webhook time,
 * the Kriptomat simulator's log) or the dev server's history, on the same machine.
 */
export async function measureLatency(stack: BenchStack, options: LatencyOptions): Promise<LatencyResult> {
  const { client } = stack;
  const users = userIds('not_started', options.tag, options.cases);
  stack.users.complete(`not_started-${options.tag}-`);
  const putAt = new Map<string, number>();
  const startAt = new Map<string, number>();
  await paced(users, options.ratePerSecond, async (userId) => {
    await Promise.all([
      (async () => {
        putAt.set(userId, Date.now());
        const status = await stack.putCase(userId);
        if (status !== 202) throw new Error(`PUT /v1/cases/${userId} answered ${status}`);
      })(),
      (async () => {
        startAt.set(userId, Date.now());
        await client.workflow.start('skeletonCase', {
          workflowId: skeletonId(userId),
          taskQueue: SKELETON_TASK_QUEUE,
          args: [options.calibration.steps],
        });
      })(),
    ]);
  });
  const timeoutMs = 120_000 + options.cases * 200;
  const done = (prefix: string) => `WorkflowId STARTS_WITH "${prefix}" AND ExecutionStatus="Completed"`;
  await waitForCount(client, done(`kyc:not_started-${options.tag}-`), options.cases, timeoutMs, 500);
  await waitForCount(client, done(`skeleton:not_started-${options.tag}-`), options.cases, timeoutMs, 500);

  const engineStart: number[] = [];
  const engineWebhook: number[] = [];
  const skeletonStart: number[] = [];
  const skeletonSignal: number[] = [];
  await runPool(users, 16, async (userId) => {
    const engine = await engineLatencies(stack, userId, putAt.get(userId) ?? NaN);
    engineStart.push(engine.startToRunning);
    if (engine.webhookToImport !== null) engineWebhook.push(engine.webhookToImport);
    const skeleton = await timesOf(client, skeletonId(userId));
    skeletonStart.push(skeleton.firstTaskStarted - (startAt.get(userId) ?? NaN));
    if (skeleton.signalToActivity !== null) skeletonSignal.push(skeleton.signalToActivity);
  });
  return {
    cases: options.cases,
    ratePerSecond: options.ratePerSecond,
    startToRunning: { engine: percentiles(engineStart), skeleton: percentiles(skeletonStart) },
    webhookToImport: { engine: percentiles(engineWebhook), skeleton: percentiles(skeletonSignal) },
  };
}

const skeletonId = (userId: string) => `skeleton:${userId}`;

/**
 * Runs `start` for each of `users` at `ratePerSecond`, on a fixed schedule from the first: a start that is
 * slow to answer does not delay the next (an open arrival process, as partners' sign-ups are).
 */
export async function paced(
  users: string[],
  ratePerSecond: number,
  start: (userId: string) => Promise<void>,
): Promise<void> {
  const begin = Date.now();
  await runPool(users, users.length, async (userId, index) => {
    const due = begin + (index * 1000) / ratePerSecond;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    await start(userId);
  });
}

/**
 * One ended engine case's latencies: `PUT` sent (`putAt`) → first workflow task started, and SumSub's GREEN
 * webhook → Kriptomat's import (null when the case's own read found the verdict before the webhook).
 */
export async function engineLatencies(
  stack: BenchStack,
  userId: string,
  putAt: number,
): Promise<{ startToRunning: number; webhookToImport: number | null; waits: TaskWaits }> {
  const engine = await timesOf(stack.client, kycWorkflowId(userId));
  // The GREEN review's webhook, as the SumSub simulator logged its delivery (once the engine answered it):
  // the webhook only wakes the case, which then reads the review and imports.
  const webhookAt =
    stack.sandbox.log.webhooks.find(
      (hook) => hook.userId === userId && hook.type === 'applicantReviewed' && hook.status === 200,
    )?.at ?? NaN;
  const imported = stack.sandbox.log.find({ service: 'kriptomat', endpoint: 'importKyc', userId })[0]?.at;
  // An import before the logged delivery was the case's own read finding the verdict first: not a webhook's.
  const webhookToImport = imported !== undefined && imported >= webhookAt ? imported - webhookAt : null;
  return { startToRunning: engine.firstTaskStarted - putAt, webhookToImport, waits: engine.waits };
}

/**
 * From a run's history: when a worker first took up its workflow task (the workflow runs: what that first
 * task then does differs between the engine and the skeleton), and its last signal → next activity start.
 */
async function timesOf(
  client: Client,
  workflowId: string,
): Promise<{ firstTaskStarted: number; signalToActivity: number | null; waits: TaskWaits }> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const first = events.find((event) => event.workflowTaskStartedEventAttributes);
  const signals = events.flatMap((event, index) =>
    event.workflowExecutionSignaledEventAttributes ? [index] : [],
  );
  const lastSignal = signals.at(-1) ?? -1;
  // The activity the workflow scheduled in answer to the signal. Not simply the next "started" event: the
  // server writes an activity's started event when the activity ends, stamped with its start time, so an
  // activity that was already running when the signal came can follow the signal with an earlier time.
  const answer =
    lastSignal < 0
      ? undefined
      : events.slice(lastSignal).find((event) => event.activityTaskScheduledEventAttributes);
  const nextActivity = answer
    ? events.find(
        (event) =>
          String(event.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(answer.eventId),
      )
    : undefined;
  const signal = events[lastSignal];
  return {
    firstTaskStarted: first ? eventMs(first) : NaN,
    signalToActivity: signal && nextActivity ? eventMs(nextActivity) - eventMs(signal) : null,
    waits: taskWaits(events),
  };
}

/** How long tasks sat in their task queue: scheduled → a worker's poll took them up, ms. */
export interface TaskWaits {
  workflow: number[];
  activity: number[];
}

/**
 * Each workflow and activity task's wait in matching, from its scheduled and started events. Long waits with
 * the worker's CPU to spare mean too few pollers or slots; short waits with a slow case mean the time goes in
 * the server's writes instead.
 */
function taskWaits(events: temporal.api.history.v1.IHistoryEvent[]): TaskWaits {
  const scheduledAt = new Map(events.map((event) => [String(event.eventId), eventMs(event)]));
  const waits: TaskWaits = { workflow: [], activity: [] };
  for (const event of events) {
    const workflow = event.workflowTaskStartedEventAttributes?.scheduledEventId;
    const activity = event.activityTaskStartedEventAttributes?.scheduledEventId;
    const scheduled = workflow ?? activity;
    const at = scheduled === undefined || scheduled === null ? undefined : scheduledAt.get(String(scheduled));
    if (at === undefined) continue;
    (workflow !== undefined && workflow !== null ? waits.workflow : waits.activity).push(eventMs(event) - at);
  }
  return waits;
}
