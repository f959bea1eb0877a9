import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** Runs `task` over `items`, at most `concurrency` at once; rejects with the first failure. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/** Executions matching a visibility query. */
export async function countWorkflows(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(query)).count;
}

/**
 * Polls the count of `query` until it reaches `target`; resolves with the time it did (to the poll's
 * resolution), or throws after `timeoutMs` saying how far it got.
 */
export async function waitForCount(
  client: Client,
  query: string,
  target: number,
  timeoutMs: number,
  pollMs = 250,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await countWorkflows(client, query);
    if (seen >= target) return Date.now();
    if (Date.now() > deadline) {
      throw new Error(`only ${seen} of ${target} workflows matched within ${timeoutMs / 1000} s: ${query}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Start and close times (ms) of the executions matching `query`. */
export async function executionTimes(
  client: Client,
  query: string,
): Promise<{ workflowId: string; startMs: number; closeMs: number | null; historyLength: number }[]> {
  const rows = [];
  for await (const execution of client.workflow.list({ query })) {
    rows.push({
      workflowId: execution.workflowId,
      startMs: execution.startTime.getTime(),
      closeMs: execution.closeTime?.getTime() ?? null,
      historyLength: execution.historyLength,
    });
  }
  return rows;
}

/** Terminates every running execution matching `query`, `concurrency` at a time (the bench's clean-up). */
export async function terminateAll(client: Client, query: string, concurrency = 32): Promise<void> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: `${query} AND ExecutionStatus="Running"` })) {
    ids.push(execution.workflowId);
  }
  await runPool(ids, concurrency, async (workflowId) => {
    await client.workflow
      .getHandle(workflowId)
      .terminate('bench clean-up')
      .catch(() => undefined);
  });
}

/** Milliseconds since the epoch of a history event. */
export function eventMs(event: temporal.api.history.v1.IHistoryEvent): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

/** p50, p99 and max of `values` (milliseconds), nearest-rank, rounded to 0.1 ms. */
export function percentiles(values: number[]): { p50: number; p99: number; max: number; count: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const tenth = (value: number) => Math.round(value * 10) / 10;
  return {
    p50: tenth(rank(0.5)),
    p99: tenth(rank(0.99)),
    max: tenth(sorted.at(-1) ?? 0),
    count: sorted.length,
  };
}

/** Ids of `count` users of a sandbox scenario, unique to this run (`onboard-t1000-17`). */
export function userIds(prefix: string, tag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${tag}-${i + 1}`);
}
