import type { Client } from '@temporalio/client';
import { startOrJoinCase } from '../client/kyc-cases';

/** How soon the engine took new work after one crash. */
export interface Recovery {
  /** `worker kill 2`, `server restart 1`. */
  event: string;
  /** From the crash to a fresh case's approval; null when none came within the bound. */
  recoveredMs: number | null;
}

/**
 * Proves the engine works again after a crash, and measures how soon: right after it, a fresh `passed-` case
 * is started (retried while the server is down) and followed until it is approved. Its approval needs a
 * polling worker and a serving server: both reconnected, or started again.
 */
export async function probeRecovery(
  client: Client,
  userId: string,
  taskQueue: string,
  event: string,
  crashedAt: number,
  boundMs: number,
): Promise<Recovery> {
  const boundAt = crashedAt + boundMs;
  while (Date.now() < boundAt) {
    try {
      const handle = await startOrJoinCase(client, userId, { taskQueue });
      const result = handle.result();
      // A case that never ends must not hold the run: the result is raced with the bound (and its late
      // rejection, when the connection closes, is dropped).
      void result.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<null>(
        (resolve) => (timer = setTimeout(() => resolve(null), boundAt - Date.now())),
      );
      const state = await Promise.race([result, bound]).finally(() => clearTimeout(timer));
      if (state === null) break;
      return { event, recoveredMs: state.outcome === 'approved' ? Date.now() - crashedAt : null };
    } catch {
      // The server is still down (or went down again): a start joins the same case, so try again.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return { event, recoveredMs: null };
}
