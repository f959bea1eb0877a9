import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePorts } from './ports';
import { requiredTestEnv, TEST_ENV } from './test-env';

export const REPO = path.resolve(__dirname, '../..');
/** What `npm start` runs (package.json), minus npm itself. */
export const START_ARGS = ['--import', 'tsx', 'scripts/start.ts'];

export interface StartPorts {
  temporal: number;
  ui: number;
  api: number;
  kriptomat: number;
  sumsub: number;
}

/** The environment `npm start` gets in a test: free ports, a data dir of the test's, the CLI global setup found. */
export function startEnv(ports: StartPorts, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_CLI: requiredTestEnv(TEST_ENV.temporalCli),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    KYC_API_PORT: String(ports.api),
    KRIPTOMAT_SIM_PORT: String(ports.kriptomat),
    SUMSUB_SIM_PORT: String(ports.sumsub),
    KYC_DATA_DIR: dataDir,
  };
  // A developer's real credentials must not turn the sandbox check into calls to the real APIs.
  for (const name of ['KRIPTOMAT_BASE_URL', 'KYC_ENV_FILE', 'KYC_API_TOKEN', 'KYC_CODEC_KEY'])
    delete env[name];
  return env;
}

/** `npm start` as a user runs it, in its own process group (so a test can signal it and its children). */
export class StartProcess {
  readonly child: ChildProcess;
  /** Settles once the process has exited and its stdout and stderr are fully read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout = '';
  stderr = '';

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, START_ARGS, {
      cwd: REPO,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => resolve({ code, signal })),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with all of stdout once it matches; fails early, with stderr, if the process exits first. */
  async waitForStdout(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout)) {
      if (!this.running) {
        await this.exited; // all of stderr read
        throw new Error(
          `npm start exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.stderr}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`no match within ${timeoutMs} ms; stderr:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.stdout;
  }

  /** Sends `signal` to the whole group; waits for the exit, escalating to SIGKILL after `killAfterMs`. */
  async stop(signal: NodeJS.Signals, killAfterMs = 15_000) {
    if (this.running) this.signalGroup(signal);
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), killAfterMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  }
}

/** Five free ports, named for `npm start`'s parts. */
export async function freeStartPorts(): Promise<StartPorts> {
  const [temporal, ui, api, kriptomat, sumsub] = await freePorts(5);
  return { temporal: temporal!, ui: ui!, api: api!, kriptomat: kriptomat!, sumsub: sumsub! };
}
