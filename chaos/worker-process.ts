import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');
/** What `npm run worker` runs, minus npm: the real worker process, as deployed. */
const WORKER_ARGS = ['--import', 'tsx', 'worker/main.ts'];
/** The worker's log line once it polls (worker/main.ts). */
const READY = /"msg":"worker polling"/;
const READY_TIMEOUT_MS = 120_000;

/** Workers still running, killed if this process exits without stopping them (e.g. `process.exit`). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface WorkerExit {
  pid: number;
  /** True when the run killed it; false when it ended on its own (a finding). */
  killed: boolean;
  how: string;
  at: number;
}

/**
 * The worker as a child process of its own (`node --import tsx worker/main.ts`), so the run can SIGKILL it
 * mid-activity, as a crashed container or an OOM kill would, and start a new one. Its JSON log lines (redacted
 * by the worker's logger) go to a file, not to the terminal.
 */
export class ChaosWorker {
  private child: ChildProcess | null = null;
  private readonly logFile: WriteStream;
  /** Every process id the worker ran as, in order: a kill shows as a new pid. */
  readonly pids: number[] = [];
  readonly exits: WorkerExit[] = [];
  /** SIGKILLs sent by the run. */
  kills = 0;
  private killing = false;

  constructor(
    private readonly env: Record<string, string>,
    logPath: string,
  ) {
    this.logFile = createWriteStream(logPath, { flags: 'a' });
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts a worker process and resolves once it polls its task queue. */
  async start(): Promise<number> {
    const child = spawn(process.execPath, WORKER_ARGS, {
      cwd: REPO,
      env: this.env,
      // Its own process group: a Ctrl-C on the run reaches the run, which stops its children in order.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    this.child = child;
    const pid = child.pid ?? -1;
    this.pids.push(pid);
    this.logFile.write(`--- worker ${pid} starting at ${new Date().toISOString()}\n`);
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.logFile.write(chunk);
        if (output.length < 65_536) output += chunk.toString();
        if (READY.test(output)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => this.logFile.write(chunk));
      child.once('close', (code, signal) => {
        live.delete(child);
        const how = signal ? `killed by ${signal}` : `exit code ${code}`;
        this.exits.push({ pid, killed: this.killing, how, at: Date.now() });
        if (this.child === child) this.child = null;
        reject(new Error(`the worker exited before polling (${how}); see ${this.logFile.path.toString()}`));
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the worker did not poll within ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
    });
    // Settled either way; a worker that exits after a timeout must not be an unhandled rejection.
    void ready.catch(() => undefined);
    try {
      await Promise.race([ready, timeout]);
    } catch (error) {
      await this.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return pid;
  }

  /** True while a worker process runs. */
  get running(): boolean {
    return this.child !== null;
  }

  /** SIGKILL: no shutdown, no activity finishes, nothing is reported to the server. Waits for the exit. */
  async kill(): Promise<void> {
    if (this.child) this.kills += 1;
    await this.signal('SIGKILL');
  }

  /** An orderly stop at the end of the run (SIGTERM, then SIGKILL if it lingers). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      await this.signal('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.logFile.end(resolve));
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.killing = true;
    child.kill(signal);
    await closed;
    this.killing = false;
  }
}
