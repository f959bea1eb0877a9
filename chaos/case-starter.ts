import type { Client } from '@temporalio/client';
import { startOrJoinCase } from '../client/kyc-cases';
import type { CaseTimings } from '../domain';
import type { PlannedCase } from './expected-ends';
import { sleep, sleepUntil } from './waits';

/**
 * Starts the cases evenly over `spreadMs`, each retried until the server takes it (a start while the server
 * is down fails; `USE_EXISTING` makes a repeated start harmless). Returns the users that never started.
 */
export async function startCases(
  client: Client,
  planned: readonly PlannedCase[],
  taskQueue: string,
  timings: Partial<CaseTimings>,
  spreadMs: number,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const begin = Date.now();
  const gap = planned.length > 1 ? spreadMs / (planned.length - 1) : 0;
  const failed: string[] = [];
  const inFlight = new Set<Promise<void>>();
  for (const [index, p] of planned.entries()) {
    await sleepUntil(begin + index * gap, signal);
    const start = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await startOrJoinCase(client, p.userId, { taskQueue, timings });
          return;
        } catch {
          if (attempt >= 60 || signal?.aborted) {
            failed.push(p.userId);
            return;
          }
          await sleep(1_000, signal).catch(() => undefined);
        }
      }
    })();
    inFlight.add(start);
    void start.finally(() => inFlight.delete(start));
  }
  await Promise.all(inFlight);
  return failed;
}
