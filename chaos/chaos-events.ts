import type { ChaosEvent, ChaosKind } from './chaos-plan';
import { eventName } from './chaos-plan';
import type { Recovery } from './recovery-probe';
import { probeRecovery } from './recovery-probe';
import type { ChaosTopology } from './topology';
import { sleepUntil } from './waits';

/** How long a probe may take to see a fresh case approved before the fault counts as unrecovered. */
const RECOVERY_BOUND_MS = 120_000;

/** One fault as it was played: when it was planned and when it struck (the previous one may delay it). */
export interface PlayedFault {
  event: string;
  kind: ChaosKind;
  plannedAtMs: number;
  atMs: number;
  /** How long the part was down, when the fault's own restart was awaited (server, PostgreSQL). */
  downMs: number | null;
}

/**
 * Plays the chaos events in order, each followed by a recovery probe (a fresh case, in the background).
 * Before each event, whatever the previous ones took down is back (`settled`): faults do not pile onto a
 * part still recovering, so an event may strike later than planned (`atMs` says when it did).
 */
export async function playChaos(
  events: readonly ChaosEvent[],
  begin: number,
  topology: ChaosTopology,
  runId: string,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<{ played: PlayedFault[]; recoveries: Recovery[] }> {
  const probes: Promise<Recovery>[] = [];
  const played: PlayedFault[] = [];
  const count: Partial<Record<ChaosKind, number>> = {};
  const cluster = topology.kind === 'cluster';
  for (const event of events) {
    await sleepUntil(begin + event.atMs, signal);
    await topology.settled();
    const n = (count[event.kind] = (count[event.kind] ?? 0) + 1);
    const name = eventName(event, n, cluster);
    const crashedAt = Date.now();
    const { line, downMs } = await topology.inflict(event);
    log(`${name}: ${line}`);
    played.push({ event: name, kind: event.kind, plannedAtMs: event.atMs, atMs: crashedAt - begin, downMs });
    const userId = `passed-probe${probes.length + 1}-${runId}`;
    const fault = { event: name, kind: event.kind };
    probes.push(
      probeRecovery(topology.client, topology.startCase, userId, fault, crashedAt, RECOVERY_BOUND_MS),
    );
  }
  await topology.settled();
  return { played, recoveries: await Promise.all(probes) };
}
