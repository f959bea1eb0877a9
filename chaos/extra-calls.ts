import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { z } from 'zod';
import type { KycActivities } from '../activities/contract';
import { kycWorkflowId, parksCase, userIdFromWorkflowId } from '../domain';
import type { RequestLog } from '../sandbox/shared/request-log';
import type { PlannedCase } from './expected-ends';
import { withRetries } from './waits';

/**
 * The partner calls one execution of each activity makes when nothing fails (activities/kyc-activities.ts),
 * whether it ran as an activity or a local activity:
 * a Kriptomat read; the profile read and the applicant create (which answers with the review); a review read;
 * the share (re-read, mint, import, read back). Notifications go nowhere in the sandbox.
 */
const FAULT_FREE_CALLS: Record<keyof KycActivities, number> = {
  readKycStatus: 1,
  ensureSumsubApplicant: 2,
  readApplicantReview: 1,
  shareApplicantWithKriptomat: 4,
  notifyPartner: 0,
};

export interface CaseCalls {
  /** Calls the simulators logged for the user. */
  calls: number;
  /** Calls the activities the case completed needed without any fault (from its histories). */
  needed: number;
  /** Activity attempts beyond the first (a fault, a timeout, a killed worker). */
  retriedAttempts: number;
  /** Workflow runs whose histories were read. */
  runs: number;
  /**
   * Workflow tasks that failed (nondeterminism on replay, a task a worker could not run): none may, whatever
   * the chaos. A killed worker's tasks time out instead, which is not counted here.
   */
  workflowTaskFailures: number;
}

export interface ScenarioCalls {
  cases: number;
  callsPerCase: number;
  extraPerCase: number;
  maxExtra: number;
  retriedAttemptsPerCase: number;
  /** Cases whose histories could not be read (every case needs at least one call): must be 0. */
  unmeasured: number;
  /** Failed workflow tasks in all the group's histories: must be 0. */
  workflowTaskFailures: number;
}

/**
 * The cost of the chaos in partner calls. A case's fault-free count is computed from what its workflow did
 * (every activity it completed, or that failed for good, once, at its fault-free call count), so polls the
 * case really needed are not counted as extra; everything else the simulators logged for the user is extra:
 * faulted calls, calls re-made by retried attempts, attempts lost with a killed worker, reads of a lost
 * webhook's review.
 */
export async function measureCalls(
  client: Client,
  planned: readonly PlannedCase[],
  log: RequestLog,
): Promise<Map<string, CaseCalls>> {
  const result = new Map<string, CaseCalls>(
    planned.map((p) => [
      p.userId,
      { calls: 0, needed: 0, retriedAttempts: 0, runs: 0, workflowTaskFailures: 0 },
    ]),
  );
  for (const request of log.requests) {
    const entry = request.userId === null ? undefined : result.get(request.userId);
    if (entry) entry.calls += 1;
  }
  // Every run of every case, continued-as-new ones included (each has its own history), found by following
  // each case back from its latest run: visibility is not asked, so nothing it has not caught up with is lost.
  const queue = planned.map((p) => ({
    workflowId: kycWorkflowId(p.userId),
    runId: undefined as string | undefined,
  }));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        const entry = result.get(userIdFromWorkflowId(run.workflowId) ?? '');
        if (!entry) continue;
        const handle = client.workflow.getHandle(run.workflowId, run.runId);
        const history = await withRetries(() => handle.fetchHistory());
        entry.runs += 1;
        const names = new Map<string, keyof KycActivities>();
        for (const event of history.events ?? []) {
          const previousRun = event.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
          if (previousRun) queue.push({ workflowId: run.workflowId, runId: previousRun });
          const scheduled = event.activityTaskScheduledEventAttributes;
          if (scheduled)
            names.set(String(event.eventId), scheduled.activityType?.name as keyof KycActivities);
          const started = event.activityTaskStartedEventAttributes;
          if (started?.attempt) entry.retriedAttempts += started.attempt - 1;
          if (event.workflowTaskFailedEventAttributes) entry.workflowTaskFailures += 1;
          const ended =
            event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? null;
          const name = ended ? names.get(String(ended.scheduledEventId)) : undefined;
          if (name) entry.needed += FAULT_FREE_CALLS[name] ?? 0;
          const local = localActivityOf(event.markerRecordedEventAttributes);
          if (local) {
            // A local read that failed and is run again as an ordinary activity is one more attempt.
            entry.retriedAttempts += local.attempt - 1 + (local.done ? 0 : 1);
            if (local.done) entry.needed += FAULT_FREE_CALLS[local.activityType as keyof KycActivities] ?? 0;
          }
        }
      }
    }),
  );
  return result;
}

/**
 * The marker core records for a local activity (Kriptomat reads run locally: workflows/activity-calls.ts):
 * its type and attempt, in clear JSON beside the encrypted result. A marker with a `backoff` ends a series of
 * failed attempts that goes on after a timer, so it does not count as the activity done.
 */
const localActivityMarker = z.object({
  activity_type: z.string(),
  attempt: z.number().int().min(1),
  backoff: z.unknown().nullable().optional(),
});

function localActivityOf(
  marker: temporal.api.history.v1.IMarkerRecordedEventAttributes | null | undefined,
): { activityType: string; attempt: number; done: boolean } | null {
  if (marker?.markerName !== 'core_local_activity') return null;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = localActivityMarker.safeParse(json);
  if (!parsed.success || parsed.data.backoff) return null;
  // A retryable failure is not the end of the read: the workflow runs it again as an ordinary activity,
  // which is counted on its own. A failure for good ends it (the case parks), as an activity's final failure.
  const info = marker.failure?.applicationFailureInfo;
  const failedForGood = parksCase(info ?? {});
  const done = !marker.failure || failedForGood;
  return { activityType: parsed.data.activity_type, attempt: parsed.data.attempt, done };
}

/** Per scenario: calls per case, extra calls per case (mean and worst), retried attempts per case. */
export function callsByScenario(
  planned: readonly PlannedCase[],
  calls: Map<string, CaseCalls>,
): Record<string, ScenarioCalls> {
  const groups = new Map<string, CaseCalls[]>();
  for (const p of planned) {
    const entry = calls.get(p.userId);
    if (entry) groups.set(p.scenario, [...(groups.get(p.scenario) ?? []), entry]);
  }
  const figures: Record<string, ScenarioCalls> = {};
  for (const [scenario, entries] of groups) figures[scenario] = summarise(entries);
  figures.all = summarise([...calls.values()]);
  return figures;
}

function summarise(entries: readonly CaseCalls[]): ScenarioCalls {
  const n = Math.max(entries.length, 1);
  const extra = entries.map((e) => Math.max(0, e.calls - e.needed));
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    cases: entries.length,
    callsPerCase: round(entries.reduce((sum, e) => sum + e.calls, 0) / n),
    extraPerCase: round(extra.reduce((sum, x) => sum + x, 0) / n),
    maxExtra: Math.max(0, ...extra),
    retriedAttemptsPerCase: round(entries.reduce((sum, e) => sum + e.retriedAttempts, 0) / n),
    unmeasured: entries.filter((e) => e.runs === 0 || e.needed === 0).length,
    workflowTaskFailures: entries.reduce((sum, e) => sum + e.workflowTaskFailures, 0),
  };
}
