import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { withoutEngineSettings } from '../stack/engine-env';

export const REPO = path.resolve(__dirname, '..');

/** Children still running, killed should the bench exit without stopping them (an error, `process.exit`). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A Node process of the engine (worker, API, skeleton worker), its output kept in a log file. */
export class NodeProcess {
  readonly child: ChildProcess;
  private readonly closed: Promise<void>;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
    readonly logFile: string,
  ) {
    // The log is a plain file descriptor: the bench reads nothing from a pipe while it measures.
    const fd = openSync(logFile, 'a');
    this.child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO,
      env: { ...withoutEngineSettings(), ...env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    live.add(this.child);
    this.closed = new Promise((resolve) =>
      this.child.once('close', () => {
        live.delete(this.child);
        resolve();
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines of its log, for a failure message (the logs hold no secrets: the engine redacts them). */
  tail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Polls `ready` until it says yes; fails early, with the log's tail, if the process exits first. */
  async waitUntil(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited at start:\n${this.tail()}`);
      if (await ready().catch(() => false)) return;
      if (Date.now() > deadline)
        throw new Error(`${this.name} not ready in ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGTERM, then SIGKILL after `killAfterMs`; resolves once it is gone. */
  async stop(killAfterMs = 15_000): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), killAfterMs);
    await this.closed;
    clearTimeout(timer);
  }
}
