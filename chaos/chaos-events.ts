import type { Client } from '@temporalio/client';
import type { Recovery } from './recovery-probe';
import { probeRecovery } from './recovery-probe';
import { sleep, sleepUntil } from './waits';
import type { ChaosTemporalServer } from './temporal-server';
import type { ChaosWorker } from './worker-process';

/** One act of chaos, at `atMs` after the first case started. */
export type ChaosEvent =
  { kind: 'kill-worker'; atMs: number; downtimeMs: number } | { kind: 'restart-server'; atMs: number };

/**
 * When the worker is killed and the server restarted: at seeded random moments spread over the window (one
 * moment drawn in each equal slice, so kills do not bunch up and every phase of the run gets some), each
 * kill followed by a random downtime before a new worker starts.
 */
export function planChaos(
  options: { workerKills: number; serverRestarts: number; chaosWindowMs: number; maxDowntimeMs: number },
  random: () => number,
): ChaosEvent[] {
  const kinds: ChaosEvent['kind'][] = [
    ...Array.from({ length: options.workerKills }, () => 'kill-worker' as const),
    ...Array.from({ length: options.serverRestarts }, () => 'restart-server' as const),
  ];
  // Shuffled, so a server restart may come before, between or after the kills.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const slice = options.chaosWindowMs / Math.max(kinds.length, 1);
  return kinds.map((kind, index) => {
    const atMs = Math.round(slice * (index + 0.2 + 0.6 * random()));
    return kind === 'kill-worker'
      ? { kind, atMs, downtimeMs: Math.round(random() * options.maxDowntimeMs) }
      : { kind, atMs };
  });
}

export interface ChaosTargets {
  client: Client;
  taskQueue: string;
  worker: ChaosWorker;
  server: ChaosTemporalServer;
  runId: string;
}

/**
 * Plays the chaos events in order, each followed by a recovery probe (a fresh case, in the background).
 * Returns the server's total downtime and how soon the engine took new work after each crash.
 */
export async function playChaos(
  events: readonly ChaosEvent[],
  begin: number,
  { client, taskQueue, worker, server, runId }: ChaosTargets,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<{ serverDowntimeMs: number; recoveries: Recovery[] }> {
  let serverDowntimeMs = 0;
  const probes: Promise<Recovery>[] = [];
  const count = { 'kill-worker': 0, 'restart-server': 0 };
  for (const event of events) {
    await sleepUntil(begin + event.atMs, signal);
    const n = (count[event.kind] += 1);
    const crashedAt = Date.now();
    const name = event.kind === 'kill-worker' ? `worker kill ${n}` : `server restart ${n}`;
    const probe = () =>
      probes.push(
        probeRecovery(
          client,
          `passed-probe${probes.length + 1}-${runId}`,
          taskQueue,
          name,
          crashedAt,
          120_000,
        ),
      );
    if (event.kind === 'kill-worker') {
      const pid = worker.pid;
      await worker.kill();
      log(`SIGKILLed worker ${pid ?? '?'}; down for ${event.downtimeMs} ms`);
      probe();
      await sleep(event.downtimeMs, signal);
      const next = await worker.start();
      log(`worker ${next} polling`);
    } else {
      log('killing the Temporal dev server (SIGKILL) and starting it again on the same database file');
      const down = await server.crashAndRestart();
      probe();
      serverDowntimeMs += down;
      log(`Temporal dev server back after ${(down / 1000).toFixed(1)} s`);
    }
  }
  return { serverDowntimeMs, recoveries: await Promise.all(probes) };
}
