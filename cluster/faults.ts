/**
 * Faults on the cluster's Temporal server and PostgreSQL, for the chaos run (`npm run chaos -- --cluster`):
 * the same parts `startClusterTemporal` (stack/temporal.ts) starts, crashed and started again in place, so
 * the engine's processes keep their addresses and every case its data.
 */
import type { ClusterBinaries } from './binaries';
import type { RunningDatabase } from './postgres';
import type { RunningTemporal } from './temporal';
import { startServer } from './temporal';

/**
 * The cluster's Temporal server under the run's control: `crash` SIGKILLs it and starts it again on the same
 * frontend port and database. A server that ends on its own (a finding) is started again too, and counted.
 * Invariant: `current` is the one server process running, or being started.
 */
export class TemporalServerControl {
  restarts = 0;
  downtimeMs = 0;
  unexpectedExits = 0;
  private current: RunningTemporal;
  private crashing = false;
  private recovering: Promise<void> = Promise.resolve();

  constructor(
    private readonly binaries: ClusterBinaries,
    private readonly db: RunningDatabase,
    private readonly logDir: string,
    first: RunningTemporal,
    private readonly log: (line: string) => void,
  ) {
    this.current = first;
    this.watch(first);
  }

  get address(): string {
    return this.current.address;
  }

  /** SIGKILL (what the server had not written to PostgreSQL is lost), then the same start. Returns the downtime. */
  async crash(): Promise<number> {
    await this.recovering;
    const downAt = Date.now();
    this.crashing = true;
    try {
      await this.current.server.kill('SIGKILL');
      await this.startAgain();
    } finally {
      this.crashing = false;
    }
    this.restarts += 1;
    const down = Date.now() - downAt;
    this.downtimeMs += down;
    return down;
  }

  /** The orderly stop at the end (the cluster's own stop knows only the first server process). */
  async stop(): Promise<void> {
    this.crashing = true;
    await this.recovering.catch(() => undefined);
    await this.current.server.stop();
  }

  private async startAgain(): Promise<void> {
    const port = Number(this.current.address.split(':').pop());
    const next = await startServer(this.binaries, this.db.access, this.logDir, port);
    if (next.address !== this.current.address) {
      // The workers and APIs hold the old address: a server elsewhere would be a new cluster to them.
      await next.server.stop();
      throw new Error(`the Temporal server came back on ${next.address}, not ${this.current.address}`);
    }
    this.current = next;
    this.watch(next);
  }

  private watch(running: RunningTemporal): void {
    void running.server.exited.then((how) => {
      if (this.crashing || running !== this.current) return;
      this.unexpectedExits += 1;
      this.log(`the Temporal server ended on its own (${how}); starting it again`);
      this.recovering = this.startAgain().catch((error: unknown) => {
        this.log(`the Temporal server could not be started again: ${String(error)}`);
      });
    });
  }
}

/**
 * PostgreSQL stopped in `immediate` mode (no checkpoint: a crash as PostgreSQL sees one, recovered from its
 * WAL at the next start), down for `downtimeMs`, then started on the same port. Returns the whole outage.
 */
export async function crashPostgres(db: RunningDatabase, downtimeMs: number): Promise<number> {
  const downAt = Date.now();
  await db.stop('immediate');
  await new Promise((resolve) => setTimeout(resolve, downtimeMs));
  await db.start();
  return Date.now() - downAt;
}
