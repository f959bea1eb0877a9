import type { Client } from '@temporalio/client';
import { userIdFromWatchWorkflowId, userIdFromWorkflowId } from '../domain';

/**
 * What Temporal knows of the engine's executions that the audit trail cannot: which runs Temporal closed
 * itself (terminated, cancelled, timed out: outside the engine), and which runs it no longer knows at all.
 * `kyc audit verify` flags them beside the chains (audit/run-flags.ts joins them). Each question is one
 * visibility list (paged), never one call per chain.
 */

/** How Temporal closed an execution outside the engine (audit/run-flags.ts `EndedOutside`). */
export type ClosedOutside = 'terminated' | 'cancelled' | 'timed-out';

/** One such execution: its user, run, and which of the engine's workflows it was. */
export interface ClosedExecution {
  userId: string;
  runId: string;
  workflow: 'case' | 'watch';
  how: ClosedOutside;
}

const CASE_TYPE = 'kycCase';
const WATCH_TYPE = 'approvedUserWatch';

/**
 * The visibility status of each flag, and the workflow types it is asked for. A watch ends only by a
 * cancellation (the engine's `stopWatch` and erasure cancel it, and a cancel from the Temporal CLI looks the
 * same), so only a case's cancelled run is outside the engine: the engine cancels a case by its `cancel`
 * message, which completes the run. Record keeping writes no records, and its runs are replaced by
 * termination when an erasure is asked again, so it is not asked about.
 */
const CLOSINGS: readonly { how: ClosedOutside; status: string; types: readonly string[] }[] = [
  { how: 'terminated', status: 'Terminated', types: [CASE_TYPE, WATCH_TYPE] },
  { how: 'cancelled', status: 'Canceled', types: [CASE_TYPE] },
  { how: 'timed-out', status: 'TimedOut', types: [CASE_TYPE, WATCH_TYPE] },
];

/** The user of a case or watch workflow id, or null for any other id. */
function userOf(workflowId: string, type: string): string | null {
  if (type === CASE_TYPE) return userIdFromWorkflowId(workflowId);
  return type === WATCH_TYPE ? userIdFromWatchWorkflowId(workflowId) : null;
}

const quoted = (value: string) => `"${value.replace(/["\\]/g, '')}"`;

/** Every closed execution of the engine's case and watch that Temporal terminated, cancelled or timed out. */
export async function executionsClosedOutside(client: Client): Promise<ClosedExecution[]> {
  const found: ClosedExecution[] = [];
  for (const { how, status, types } of CLOSINGS) {
    const query = `WorkflowType IN (${types.map(quoted).join(', ')}) AND ExecutionStatus = ${quoted(status)}`;
    for await (const execution of client.workflow.list({ query })) {
      const userId = userOf(execution.workflowId, execution.type);
      if (userId === null) continue;
      const workflow = execution.type === CASE_TYPE ? 'case' : 'watch';
      found.push({ userId, runId: execution.runId, workflow, how });
    }
  }
  return found;
}

/** Run ids asked of visibility per list: keeps each query short. */
const RUNS_PER_QUERY = 50;

/**
 * The run ids among `runIds` that Temporal no longer knows (past the namespace's retention, or deleted):
 * one visibility list per `RUNS_PER_QUERY` of them.
 */
export async function runsUnknownToTemporal(client: Client, runIds: readonly string[]): Promise<Set<string>> {
  const unknown = new Set(runIds);
  const ids = [...unknown];
  for (let start = 0; start < ids.length; start += RUNS_PER_QUERY) {
    const batch = ids.slice(start, start + RUNS_PER_QUERY);
    const query = batch.map((runId) => `RunId = ${quoted(runId)}`).join(' OR ');
    for await (const execution of client.workflow.list({ query })) unknown.delete(execution.runId);
  }
  return unknown;
}
