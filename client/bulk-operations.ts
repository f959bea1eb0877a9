import type { Client } from '@temporalio/client';
import { userIdFromWorkflowId } from '../domain';
import { caseListQuery } from '../domain';
import type { StartCaseOptions } from './kyc-cases';
import type { OperatorOptions } from './kyc-cases';
import { retryCase, startCase } from './kyc-cases';

/** Upper bound of parallel calls, so a backfill cannot flood the frontend whatever the caller asks. */
export const MAX_CONCURRENCY = 64;

export interface BulkOptions {
  /** Calls in flight at once (default 8, at most `MAX_CONCURRENCY`). */
  concurrency?: number;
  /** Stops handing out new work; calls in flight finish, the rest are left out of the results. */
  signal?: AbortSignal;
}

export interface BulkStartResult {
  userId: string;
  /** `joined`: the case was already running, which counts as success. */
  outcome: 'started' | 'joined' | 'failed';
  error?: unknown;
}

export interface BulkRetryResult {
  userId: string;
  error?: unknown;
}

/**
 * Starts (or joins) the case of every user, a bounded number at a time. A failure is recorded and the rest
 * go on, so one bad id or a passing error never stops a backfill. Results come in completion order.
 */
export async function startCases(
  client: Client,
  userIds: readonly string[],
  options: StartCaseOptions & BulkOptions & { onResult?: (result: BulkStartResult) => void },
): Promise<BulkStartResult[]> {
  return forEachBounded(userIds, options, async (userId): Promise<BulkStartResult> => {
    try {
      const result: BulkStartResult = { userId, outcome: await startCase(client, userId, options) };
      options.onResult?.(result);
      return result;
    } catch (error) {
      const result: BulkStartResult = { userId, outcome: 'failed', error };
      options.onResult?.(result);
      return result;
    }
  });
}

/**
 * Sends `retry` to every case parked in `needs_attention`, as the operator `by` (recorded in each case's audit
 * trail). The ids are collected first, because a retried case leaves the phase and would otherwise shift the
 * pages still to be read.
 */
export async function retryParkedCases(
  client: Client,
  options: BulkOptions & OperatorOptions = {},
): Promise<BulkRetryResult[]> {
  const userIds: string[] = [];
  const query = caseListQuery({ phase: 'needs_attention' });
  // Paged by the SDK; `listCases` caps the total, and this must see every parked case.
  for await (const execution of client.workflow.list({ query, pageSize: 500 })) {
    const userId = userIdFromWorkflowId(execution.workflowId);
    if (userId !== null && execution.status.name === 'RUNNING') userIds.push(userId);
  }
  return forEachBounded(userIds, options, async (userId): Promise<BulkRetryResult> => {
    try {
      await retryCase(client, userId, { by: options.by });
      return { userId };
    } catch (error) {
      return { userId, error };
    }
  });
}

/** Runs `task` over `items` with at most `concurrency` in flight; stops taking new items once aborted. */
async function forEachBounded<T, R>(
  items: readonly T[],
  { concurrency = 8, signal }: BulkOptions,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      results.push(await task(item));
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(concurrency), MAX_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
