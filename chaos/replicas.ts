import type { EngineProcess } from '../stack/processes';
import { startWithRetries } from './dev-topology';
import type { ProcessFigures } from './topology';
import { sleep } from './waits';

/** How soon a replica that died on its own is started again (a supervisor's restart delay). */
const RESTART_AFTER_CRASH_MS = 1_000;

/**
 * The replicas of one role on the cluster (`worker-1`, `worker-2`, or the APIs), each in a slot of its own
 * that a kill empties and a restart fills again. Invariant: at most one slot is down at a time, since a kill
 * first waits for every restart in flight; so "one worker while the other carries on" holds whatever the
 * plan's timing.
 */
export class Replicas {
  private readonly slots: (EngineProcess | null)[];
  private readonly pids: number[] = [];
  /** Children the run is killing or stopping: their exits are not findings. */
  private readonly ending = new Set<EngineProcess['child']>();
  private unexpectedExits = 0;
  private kills = 0;
  private pending: Promise<void>[] = [];

  constructor(
    private readonly role: 'worker' | 'api',
    count: number,
    /** Starts replica `index` (1-based, as the process names); resolves once it serves. */
    private readonly launch: (index: number) => Promise<EngineProcess>,
    private readonly log: (line: string) => void,
  ) {
    this.slots = Array.from({ length: count }, () => null);
  }

  /** One after the other: two workers bundling their workflow code at once would starve two cores. */
  async startAll(): Promise<void> {
    for (const index of this.slots.keys()) await this.start(index);
  }

  /**
   * SIGKILL of replica `index` (0-based) once every restart in flight is done, and every replica that died on
   * its own (a finding, already counted) is running again: the fault is one replica down while the other
   * carries on, never both. It starts again after `downtimeMs` in the background (`settled`). Returns the pid.
   */
  async kill(index: number, downtimeMs: number): Promise<number | undefined> {
    await this.ensureAll();
    const replica = this.slots[index];
    if (!replica) throw new Error(`${this.role}-${index + 1} is not running, so it cannot be killed`);
    this.ending.add(replica.child);
    this.kills += 1;
    await replica.child.kill('SIGKILL');
    const restart = sleep(downtimeMs).then(() => this.start(index));
    // Awaited by `settled`; until then a failed restart must not be an unhandled rejection.
    restart.catch(() => undefined);
    this.pending.push(restart);
    return replica.child.pid;
  }

  /**
   * Hands every replica to `replace` (a rolling deploy: cluster/rollout.ts `rollOut`), with the way to stop
   * one as a deploy does (SIGTERM, not a finding) and to start its successor in its slot, which then holds
   * it. Restarts in flight and replicas that died on their own first, so the deploy starts from a full set.
   */
  async replaceEach<T>(
    replace: (parts: {
      workers: EngineProcess[];
      startWorker: (index: number) => Promise<EngineProcess>;
      stopWorker: (replica: EngineProcess) => Promise<void>;
    }) => Promise<T>,
  ): Promise<T> {
    await this.ensureAll();
    const workers = this.slots.map((slot, index) => {
      if (!slot) throw new Error(`${this.role}-${index + 1} is not running, so it cannot be replaced`);
      return slot;
    });
    return replace({
      workers,
      startWorker: async (index) => {
        await this.start(index);
        return this.slots[index]!;
      },
      stopWorker: async (replica) => {
        this.ending.add(replica.child);
        await replica.child.stop();
      },
    });
  }

  /** Resolves once every restart in flight is done; rejects when one failed for good. */
  async settled(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  /** Starts whichever replica is not running (one died on its own): the next fault and the end need them all. */
  async ensureAll(): Promise<void> {
    await this.settled();
    for (const [index, replica] of this.slots.entries()) {
      if (replica) continue;
      this.log(`${this.role}-${index + 1} is down (it ended on its own): starting it again`);
      await this.start(index);
    }
  }

  /** The running replicas (the APIs' ports, say). */
  running(): EngineProcess[] {
    return this.slots.filter((slot): slot is EngineProcess => slot !== null);
  }

  figures(): ProcessFigures {
    return {
      kills: this.kills,
      distinctPids: new Set(this.pids).size,
      unexpectedExits: this.unexpectedExits,
    };
  }

  /** An orderly stop of every replica (SIGTERM, SIGKILL after the child's timeout). */
  async stopAll(): Promise<void> {
    await this.settled().catch(() => undefined);
    await Promise.all(
      this.running().map((replica) => {
        this.ending.add(replica.child);
        return replica.child.stop();
      }),
    );
  }

  private async start(index: number): Promise<void> {
    const replica = await startWithRetries(() => this.launch(index + 1));
    this.slots[index] = replica;
    if (replica.child.pid !== undefined) this.pids.push(replica.child.pid);
    this.log(`${replica.child.name} running (pid ${replica.child.pid ?? '?'})`);
    void replica.child.exited.then((how) => {
      if (this.slots[index] === replica) this.slots[index] = null;
      if (this.ending.delete(replica.child)) return;
      this.unexpectedExits += 1;
      this.log(
        `${replica.child.name} (pid ${replica.child.pid ?? '?'}) ended on its own: ${how}; restarting it`,
      );
      // As compose's `restart: unless-stopped` would: a crashed replica comes back, and the run goes on.
      const restart = sleep(RESTART_AFTER_CRASH_MS).then(() => this.start(index));
      restart.catch(() => undefined);
      this.pending.push(restart);
    });
  }
}
