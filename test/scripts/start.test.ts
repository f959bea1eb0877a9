/**
 * Smoke test of `npm start` as a user runs it: the real script in its own process, on free ports, with its
 * Temporal state in a temporary KYC_DATA_DIR (never the developer's .data/). The tests run in order and
 * share the one process: banner, UI, a case, a printed command, then Ctrl-C.
 */
import { Client, Connection } from '@temporalio/client';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startOrJoinCase } from '../../client/kyc-cases';
import { isPortFree } from '../../scripts/ports';
import { requiredTestEnv, TEST_ENV } from '../helpers/test-env';
import { ONBOARDING_PHASES, phasesOf } from '../helpers/cases';

const REPO = path.resolve(__dirname, '../..');
const BANNER_TIMEOUT = 90_000; // the script bundles the workflow code before it prints the banner
const STOP_TIMEOUT = 20_000;
const execFileAsync = promisify(execFile);
/** What `npm start` runs (package.json), minus npm itself. */
const START_ARGS = ['--import', 'tsx', 'scripts/start.ts'];

let child: ChildProcess;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let stdout = '';
let stderr = '';
let dataDir: string;
let ports: { temporal: number; ui: number; api: number; kriptomat: number; sumsub: number };
let banner: { address: string; uiUrl: string; queryCommand: string };
const userId = `passed-${process.pid}`;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kyc-start-test-'));
  const [temporal, ui, api, kriptomat, sumsub] = await freePorts(5);
  ports = { temporal: temporal!, ui: ui!, api: api!, kriptomat: kriptomat!, sumsub: sumsub! };
  child = spawn(process.execPath, START_ARGS, {
    cwd: REPO,
    env: {
      ...process.env,
      TEMPORAL_CLI: requiredTestEnv(TEST_ENV.temporalCli),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      KYC_API_PORT: String(ports.api),
      KRIPTOMAT_SIM_PORT: String(ports.kriptomat),
      SUMSUB_SIM_PORT: String(ports.sumsub),
      KYC_DATA_DIR: dataDir,
    },
    // Its own process group, so afterAll can signal it and anything it started in one go.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
});

afterAll(async () => {
  // Only when a test failed before the SIGINT test: SIGTERM lets the script stop its dev server itself.
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  await fs.rm(dataDir, { recursive: true, force: true });
}, 30_000);

test(
  'prints the banner with the addresses and commands to try',
  async () => {
    const text = await waitForStdout(/^Sandbox user ids.*$/m, BANNER_TIMEOUT);
    const address = /Temporal gRPC:\s+(\S+)/.exec(text)?.[1];
    const uiUrl = /Temporal UI:\s+(\S+)/.exec(text)?.[1];
    const queryCommand = /^\s*(".+" workflow query .*)$/m.exec(text)?.[1];
    expect(address).toBe(`127.0.0.1:${ports.temporal}`);
    expect(uiUrl).toBe(`http://127.0.0.1:${ports.ui}`);
    expect(text).toContain(`Kriptomat sim:  http://127.0.0.1:${ports.kriptomat}`);
    expect(text).toContain(`SumSub sim:     http://127.0.0.1:${ports.sumsub}`);
    expect(text).toContain(`webhooks to http://127.0.0.1:${ports.api}/webhooks/sumsub`);
    expect(text).toMatch(/workflow start .*--workflow-id kyc:onboard-1 --input '\{"userId":"onboard-1"\}'/);
    expect(text).toContain(`workflow list --address ${address} --query 'KycPhase="awaiting_kriptomat"'`);
    expect(queryCommand).toBeDefined();
    banner = { address: address!, uiUrl: uiUrl!, queryCommand: queryCommand! };
  },
  BANNER_TIMEOUT + 10_000,
);

test('serves the Temporal UI', async () => {
  const response = await fetch(banner.uiUrl);
  expect(response.status).toBe(200);
});

test('runs a case of a passed user to approved', async () => {
  const connection = await Connection.connect({ address: banner.address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const handle = await startOrJoinCase(client, userId, { taskQueue: 'kyc' });
    const result = await handle.result();
    expect(result.outcome).toBe('approved');
  } finally {
    await connection.close();
  }
});

test('onboards a user who never did KYC: SumSub webhooks reach the case, then the import', async () => {
  const connection = await Connection.connect({ address: banner.address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const handle = await startOrJoinCase(client, `onboard-${process.pid}`, {
      taskQueue: 'kyc',
      timings: { pollSchedule: ['1s'], reviewPollInterval: '1h' },
    });
    const result = await handle.result();
    expect(phasesOf(result)).toEqual([...ONBOARDING_PHASES, 'approved']);
    expect(result.sumsubEvents).toBeGreaterThanOrEqual(1);
    expect(stderr).toContain(`SumSub webhook: signalled applicantReviewed for onboard-${process.pid}`);
  } finally {
    await connection.close();
  }
}, 40_000);

test('the printed query command works', async () => {
  // `"<cli>" workflow query --address … --workflow-id kyc:onboard-1 --name getState`: no argument has spaces.
  const [, cli, rest] = /^"(.+)" (.*)$/.exec(banner.queryCommand) ?? [];
  const args = rest!.split(' ').map((arg) => (arg === 'kyc:onboard-1' ? `kyc:${userId}` : arg));
  expect(args).toContain(`kyc:${userId}`);
  const { stdout: output } = await execFileAsync(cli!, args, { timeout: 20_000 });
  expect(output).toContain('"outcome":"approved"');
});

test(
  'stops on SIGINT with exit code 0, taking the dev server down',
  async () => {
    const started = Date.now();
    child.kill('SIGINT');
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no exit within ${STOP_TIMEOUT} ms\n${stderr}`)),
        STOP_TIMEOUT,
      ).unref(),
    );
    const { code, signal } = await Promise.race([exited, timeout]);
    expect({ code, signal, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(Date.now() - started).toBeLessThan(STOP_TIMEOUT);
    // The server ran on the test's data dir, and is gone: its port is free again.
    await expect(fs.stat(path.join(dataDir, 'temporal.db'))).resolves.toBeDefined();
    expect(await isPortFree(ports.temporal)).toBe(true);
    expect(await isPortFree(ports.ui)).toBe(true);
  },
  STOP_TIMEOUT + 10_000,
);

test('fails with a clear message when the gRPC port is taken', async () => {
  const [port, ui, api, kriptomat, sumsub] = await freePorts(5);
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    const result = await execFileAsync(process.execPath, START_ARGS, {
      cwd: REPO,
      env: {
        ...process.env,
        TEMPORAL_CLI: requiredTestEnv(TEST_ENV.temporalCli),
        TEMPORAL_PORT: String(port),
        TEMPORAL_UI_PORT: String(ui),
        KYC_API_PORT: String(api),
        KRIPTOMAT_SIM_PORT: String(kriptomat),
        SUMSUB_SIM_PORT: String(sumsub),
        KYC_DATA_DIR: dataDir,
      },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port} (Temporal gRPC) is already in use`);
    expect(result.stderr).toContain('TEMPORAL_PORT=<port>');
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

/** Resolves with all of stdout once it matches; fails early, with stderr, if the script exits first. */
async function waitForStdout(pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(stdout)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `npm start exited (${child.exitCode ?? child.signalCode}) before the banner:\n${stderr}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`no banner within ${timeoutMs} ms; stderr so far:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return stdout;
}

/** Ports the OS hands out for port 0, all held at once so that they differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const result = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return result;
}

function signalGroup(signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is already gone.
  }
}
