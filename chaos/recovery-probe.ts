import type { Client } from '@temporalio/client';
import { kycWorkflowId } from '../domain';
import type { kycCase } from '../workflows/kyc-case';
import type { ChaosKind } from './chaos-plan';

/** How soon the engine took new work after one fault. */
export interface Recovery {
  /** `worker kill 2`, `server restart 1`, `PostgreSQL restart 1`. */
  event: string;
  kind: ChaosKind;
  /** From the fault to a fresh case's approval; null when none came within the bound. */
  recoveredMs: number | null;
}

/**
 * Proves the engine works again after a fault, and measures how soon: right after it, a fresh `passed-` case
 * is started the way the topology's partner starts cases (retried while the server, the database or an API
 * is down) and followed until it is approved. Its approval needs a polling worker, a serving server and, on
 * the cluster, an API taking starts: all reconnected, or started again.
 */
export async function probeRecovery(
  client: Client,
  start: (userId: string) => Promise<void>,
  userId: string,
  fault: { event: string; kind: ChaosKind },
  crashedAt: number,
  boundMs: number,
): Promise<Recovery> {
  const boundAt = crashedAt + boundMs;
  const unrecovered = { ...fault, recoveredMs: null };
  while (Date.now() < boundAt) {
    try {
      await start(userId);
      const result = client.workflow.getHandle<typeof kycCase>(kycWorkflowId(userId)).result();
      // A case that never ends must not hold the run: the result is raced with the bound (and its late
      // rejection, when the connection closes, is dropped).
      void result.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<null>(
        (resolve) => (timer = setTimeout(() => resolve(null), boundAt - Date.now())),
      );
      const state = await Promise.race([result, bound]).finally(() => clearTimeout(timer));
      if (state === null) break;
      return { ...fault, recoveredMs: state.outcome === 'approved' ? Date.now() - crashedAt : null };
    } catch {
      // Still down (or down again): a start joins the same case, so try again.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return unrecovered;
}
