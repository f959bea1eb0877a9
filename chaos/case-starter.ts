import type { PlannedCase } from './expected-ends';
import { sleep, sleepUntil } from './waits';

/**
 * Starts the cases evenly over `spreadMs` with the topology's `start`, each retried until it is taken (a start
 * while the server, or every API, is down fails; `USE_EXISTING` makes a repeated start harmless). Returns the
 * users that never started.
 */
export async function startCases(
  start: (userId: string) => Promise<void>,
  planned: readonly PlannedCase[],
  spreadMs: number,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const begin = Date.now();
  const gap = planned.length > 1 ? spreadMs / (planned.length - 1) : 0;
  const failed: string[] = [];
  const inFlight = new Set<Promise<void>>();
  for (const [index, p] of planned.entries()) {
    await sleepUntil(begin + index * gap, signal);
    const starting = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await start(p.userId);
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
    inFlight.add(starting);
    void starting.finally(() => inFlight.delete(starting));
  }
  await Promise.all(inFlight);
  return failed;
}
