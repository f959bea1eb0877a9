import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { isValidUserId, kycWorkflowId, watchWorkflowId } from '../domain';
import type { recordKeeping, RecordKeepingInput } from '../workflows/record-keeping';
import { InvalidUserIdError } from './case-errors';
import { cancelCase, stopWatch } from './kyc-cases';

/** The reason a running case is cancelled with when its user asks to be erased (kept in its history until deleted). */
export const ERASURE_CANCEL_REASON = 'the user asked for the erasure of their personal data';

/** How long an erasure waits for a cancelled case or watch to end before answering that it has not yet. */
const DEFAULT_CLOSE_WAIT_MS = 4_000;

/** A case or watch was told to end but has not ended yet: nothing was deleted or erased; ask again. */
export class ErasurePendingError extends Error {
  override name = 'ErasurePendingError';
}

/** What the Temporal side of an erasure did. */
export interface ExecutionsErased {
  /** The case ran and was cancelled (with `ERASURE_CANCEL_REASON`). */
  caseCancelled: boolean;
  /** The watch ran and was cancelled. */
  watchStopped: boolean;
  /** How many closed executions (runs of `kyc:{id}` and `kyc-watch:{id}`) were deleted. */
  executionsDeleted: number;
}

/**
 * Removes the user from Temporal: a running case is cancelled first (with a reason, by `by` as its trail
 * records it), the watch too, and once
 * both have ended every closed run of `kyc:{userId}` and `kyc-watch:{userId}` is deleted. Throws
 * `ErasurePendingError`, having deleted nothing, when what it cancelled has not ended within `closeWaitMs`
 * (the caller asks again; every step is idempotent).
 */
export async function eraseExecutions(
  client: Client,
  userId: string,
  options: { closeWaitMs?: number; by?: string } = {},
): Promise<ExecutionsErased> {
  if (!isValidUserId(userId)) throw new InvalidUserIdError(userId);
  const waitMs = options.closeWaitMs ?? DEFAULT_CLOSE_WAIT_MS;
  const caseId = kycWorkflowId(userId);
  const watchId = watchWorkflowId(userId);
  const caseCancelled = (await isRunning(client, caseId))
    ? (await cancelCase(client, userId, ERASURE_CANCEL_REASON, { by: options.by }), true)
    : false;
  const watchStopped = (await isRunning(client, watchId)) ? await stopWatch(client, userId) : false;
  await Promise.all([untilClosed(client, caseId, waitMs), untilClosed(client, watchId, waitMs)]);
  const deleted = await Promise.all([deleteClosedRuns(client, caseId), deleteClosedRuns(client, watchId)]);
  return { caseCancelled, watchStopped, executionsDeleted: deleted[0] + deleted[1] };
}

/**
 * Starts (or replaces, when a request with another date came before) the record-keeping workflow that
 * destroys the user's key once the hold ends. Its id and input carry the pseudonym only.
 */
export async function scheduleKeyDestruction(
  client: Client,
  input: RecordKeepingInput,
  taskQueue: string,
): Promise<string> {
  const workflowId = recordKeepingWorkflowId(input.pseudonym);
  await client.workflow.start<typeof recordKeeping>('recordKeeping', {
    workflowId,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    staticSummary: `destroy the audit key of ${input.pseudonym} after ${input.eraseAfter}`,
  });
  return workflowId;
}

/** The record-keeping workflow of one subject of the audit trail: by pseudonym, never by user id. */
export function recordKeepingWorkflowId(pseudonym: string): string {
  return `kyc-records:${pseudonym}`;
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Waits until the latest run of `workflowId` has closed (or there is none); `ErasurePendingError` after `waitMs`. */
async function untilClosed(client: Client, workflowId: string, waitMs: number): Promise<void> {
  if (!(await isRunning(client, workflowId))) return;
  const handle: WorkflowHandle = client.workflow.getHandle(workflowId);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), waitMs);
  });
  // The result (or the failure) arrives when the run closes; how it ended does not matter here.
  const closed = handle.result().then(
    () => 'closed' as const,
    () => 'closed' as const,
  );
  try {
    if ((await Promise.race([closed, timedOut])) === 'timeout')
      throw new ErasurePendingError(`${workflowId} was asked to end and has not ended yet; ask again`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Deletes every closed run of `workflowId`: those visibility lists, and the latest run by id (which
 * visibility may not show yet). Answers how many were deleted.
 */
async function deleteClosedRuns(client: Client, workflowId: string): Promise<number> {
  const runs = new Set<string>();
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    if (execution.status.name !== 'RUNNING') runs.add(execution.runId);
  }
  try {
    const latest = await client.workflow.getHandle(workflowId).describe();
    if (latest.status.name !== 'RUNNING') runs.add(latest.runId);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  let deleted = 0;
  for (const runId of runs) {
    try {
      await client.connection.workflowService.deleteWorkflowExecution({
        namespace: client.options.namespace,
        workflowExecution: { workflowId, runId },
      });
      deleted += 1;
    } catch (error) {
      // Deleted meanwhile (a retried request, or Temporal's own retention).
      if (!isNotFound(error)) throw error;
    }
  }
  return deleted;
}

/** gRPC NOT_FOUND, spelled out to avoid depending on grpc-js. */
const GRPC_NOT_FOUND = 5;

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === GRPC_NOT_FOUND;
}
