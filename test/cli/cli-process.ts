import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The CLI as operators run it: `node --import tsx cli/main.ts`, in a child process. */
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
const MAIN = path.resolve(__dirname, '../../cli/main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `kyc` process: its output so far, and its exit. */
export interface CliProcess {
  output(): { stdout: string; stderr: string };
  exited: Promise<CliRun>;
  interrupt(): void;
}

/**
 * Starts `kyc <args>` with exactly `env` (plus PATH and HOME), in `cwd`, so no `.env` or variable of the test
 * runner leaks in.
 */
export function spawnKyc(args: string[], env: Record<string, string>, cwd: string): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { output: () => ({ stdout, stderr }), exited, interrupt: () => child.kill('SIGINT') };
}

/** Runs `kyc <args>` to its end. */
export function kyc(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return spawnKyc(args, env, cwd).exited;
}
