import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { CaseTimings, KycCaseState } from '../domain';
import { KYC_PHASE, kycWorkflowId } from '../domain';
import type { kycCase } from '../workflows';
import { getStateQuery } from '../workflows/messages';

export type KycCaseHandle = WorkflowHandleWithFirstExecutionRunId<typeof kycCase>;

export interface StartCaseOptions {
  taskQueue: string;
  /** Timings of a new case; ignored when joining a case that already runs. */
  timings?: Partial<CaseTimings>;
}

/**
 * Starts the case of `userId`, or joins it when it already runs: the workflow id is the user's, and the
 * `USE_EXISTING` conflict policy makes a second start a no-op, so signup flows may call this repeatedly.
 */
export async function startOrJoinCase(
  client: Client,
  userId: string,
  options: StartCaseOptions,
): Promise<KycCaseHandle> {
  return client.workflow.start<typeof kycCase>('kycCase', {
    workflowId: kycWorkflowId(userId),
    taskQueue: options.taskQueue,
    args: [{ userId, timings: options.timings }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: KYC_PHASE, value: 'checking' }],
    staticSummary: `KYC case of Kriptomat user ${userId}`,
  });
}

/** The live state of a user's case (running or finished). */
export async function getCaseState(client: Client, userId: string): Promise<KycCaseState> {
  return client.workflow.getHandle(kycWorkflowId(userId)).query(getStateQuery);
}
