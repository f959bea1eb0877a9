/**
 * A child process of the cluster: its output goes line by line to a log file of its own and, for the engine's
 * processes, to the terminal with its name in front; it can be stopped (SIGTERM, then SIGKILL) or killed
 * outright (the chaos run's faults), and `exited` says how it ended.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { forwardLines } from './lines';

export interface ChildOptions {
  /** Shown in front of each line and in messages (`worker-1`). */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Every line goes here. */
  logFile: string;
  /** Lines also shown in the terminal, after `format` (e.g. pino's JSON made readable); none when unset. */
  echo?: (line: string) => string | null;
  /** Before SIGKILL after a stop's SIGTERM. */
  stopTimeoutMs?: number;
}

export interface Child {
  name: string;
  pid: number | undefined;
  logFile: string;
  /** How it ended (`exit code 0`, `killed by SIGKILL`), once it has. */
  exited: Promise<string>;
  running(): boolean;
  /** Resolves with the first line `test` accepts; rejects if the process ends first. */
  waitForLine(test: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** The last lines, for an error message. */
  tail(): string[];
  /** SIGTERM, SIGKILL after the stop timeout; resolves once it has exited. */
  stop(): Promise<void>;
  /** A signal at once (SIGKILL: a crash), then waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const TAIL_LINES = 30;

/** Children still running, killed if this process exits without stopping them (a second Ctrl-C, a crash). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function startChild(options: ChildOptions): Child {
  // Own process group: a terminal's Ctrl-C reaches only the cluster, which stops its parts in order.
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  const file: WriteStream = createWriteStream(options.logFile, { flags: 'a', mode: 0o600 });
  const tail: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let quiet = false;
  const onLine = (line: string): void => {
    file.write(`${line}\n`);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    for (const watcher of watchers) watcher(line);
    // Once stopping, a server logs a burst of errors about its own shutdown: the file keeps them.
    const shown = quiet ? null : options.echo?.(line);
    if (shown) process.stderr.write(`[${options.name}] ${shown}\n`);
  };
  forwardLines(child.stdout, onLine);
  forwardLines(child.stderr, onLine);

  let ended: string | null = null;
  const exited = new Promise<string>((resolve) => {
    const done = (how: string): void => {
      if (ended !== null) return;
      ended = how;
      live.delete(child);
      file.end();
      resolve(how);
    };
    child.once('error', (error) => done(`could not run ${options.command}: ${error.message}`));
    // 'close', not 'exit': after the pipes drained, so the tail holds the last words.
    child.once('close', (code, signal) => done(signal ? `killed by ${signal}` : `exit code ${code}`));
  });

  const signal = (name: NodeJS.Signals): void => {
    quiet = true;
    if (ended !== null || child.pid === undefined) return;
    try {
      // The whole group: a shell script's exec'd program or an npm wrapper's node, whichever holds the pid.
      process.kill(-child.pid, name);
    } catch {
      child.kill(name);
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    running: () => ended === null,
    tail: () => [...tail],
    waitForLine: (test, timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`${options.name} was not ready within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const watcher = (line: string): void => {
          if (!test(line)) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(line);
        };
        watchers.add(watcher);
        void exited.then((how) => {
          clearTimeout(timer);
          watchers.delete(watcher);
          reject(new Error(`${options.name} ended (${how}) before it was ready`));
        });
      }),
    stop: () =>
      (stopping ??= (async () => {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), options.stopTimeoutMs ?? 15_000);
        await exited;
        clearTimeout(timer);
      })()),
    kill: async (name) => {
      signal(name);
      await exited;
    },
  };
}
