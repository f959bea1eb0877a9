import path from 'node:path';
import { startDevServer } from '../stack/dev-server';
import type { RunningDevServer } from '../stack/dev-server';
import { freeLoopbackPort } from '../worker/free-port';

/**
 * The Temporal dev server of a chaos run: `npm start`'s launcher (search attributes registered), headless,
 * its state in a SQLite file, so that killing it and starting it again on the same port and file is a server
 * crash and recovery, not a fresh cluster. Clients and the worker keep the same address throughout.
 */
export class ChaosTemporalServer {
  private current: RunningDevServer;
  private restartCount = 0;

  private constructor(
    private readonly cli: string,
    readonly port: number,
    readonly dbFile: string,
    private readonly log: (line: string) => void,
    first: RunningDevServer,
  ) {
    this.current = first;
  }

  static async start(
    cli: string,
    dataDir: string,
    log: (line: string) => void,
  ): Promise<ChaosTemporalServer> {
    const port = await freeLoopbackPort();
    const dbFile = path.join(dataDir, 'temporal.db');
    const server = await startDevServer({ cli, port, dbFile, log });
    return new ChaosTemporalServer(cli, port, dbFile, log, server);
  }

  get address(): string {
    return this.current.address;
  }

  get restarts(): number {
    return this.restartCount;
  }

  /**
   * SIGKILL, then the same command again: whatever the server had not written to its database is lost, as
   * in a real crash. Resolves once the new server answers. Returns how long it was down.
   */
  async crashAndRestart(): Promise<number> {
    const downAt = Date.now();
    await this.current.kill('SIGKILL');
    this.current = await startDevServer({
      cli: this.cli,
      port: this.port,
      dbFile: this.dbFile,
      log: this.log,
    });
    this.restartCount += 1;
    return Date.now() - downAt;
  }

  async stop(): Promise<void> {
    await this.current.stop();
  }
}
