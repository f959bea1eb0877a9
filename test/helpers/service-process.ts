import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../..');

/** A process of the engine as operators run it (`worker/main.ts`, `api/main.ts`), with all it printed. */
export interface ServiceProcess {
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Its JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** Settles when it has exited and all its output is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** Stops it (SIGTERM, as an orchestrator does) unless it already ended, and waits for `exited`. */
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <entry>` with exactly `env` plus PATH and HOME: neither the developer's shell nor
 * a `.env` in the repository can leak in, since KYC_ENV_FILE points at an empty file.
 */
export function spawnService(entry: string, env: Record<string, string>): ServiceProcess {
  const emptyEnvFile = path.join(os.tmpdir(), `kyc-service-test-${process.pid}.env`);
  writeFileSync(emptyEnvFile, '');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', KYC_ENV_FILE: emptyEnvFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    output: () => stdout + stderr,
    logs: () => stdout.split('\n').flatMap(parseJsonLine),
    exited,
    kill: (signal) => child.kill(signal),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The worker as `npm run worker` runs it. */
export const spawnWorker = (env: Record<string, string>): ServiceProcess =>
  spawnService('worker/main.ts', env);

function parseJsonLine(line: string): Record<string, unknown>[] {
  if (!line.startsWith('{')) return [];
  try {
    return [JSON.parse(line) as Record<string, unknown>];
  } catch {
    return [];
  }
}
