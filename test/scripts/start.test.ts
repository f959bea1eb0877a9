/**
 * `npm start` as a user runs it: the real script in its own process, on free ports, with its state in a
 * temporary KYC_DATA_DIR (never the developer's .data/). The tests run in order and share the one process:
 * the banner, the printed commands (a case through the API, `kyc watch`), the Temporal UI in headless
 * Chromium, Ctrl-C, and a restart that picks up the open case.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'dotenv';
import { isPortFree } from '../../stack/ports';
import type { StartPorts } from '../helpers/start-process';
import { freeStartPorts, REPO, START_ARGS, startEnv, StartProcess } from '../helpers/start-process';
import { eventually } from '../helpers/temporal';
import { captureWorkflowList, readWorkflowPage } from '../helpers/temporal-ui';

const BANNER_TIMEOUT = 90_000; // the script bundles the workflow code before it prints the banner
const execFileAsync = promisify(execFile);
const onboarding = `onboard-${process.pid}`;
const openCase = `pending_forever-${process.pid}`;

let engine: StartProcess;
let dataDir: string;
let ports: StartPorts;
let banner: { apiUrl: string; uiUrl: string; envFile: string; putCommand: string; watchCommand: string };

/** Runs a printed command the way a user pastes it: in bash, from the repository, after loading the env file. */
async function runPrinted(command: string): Promise<string> {
  const script = `set -a; . ${banner.envFile}; set +a; ${command}`;
  const { stdout } = await execFileAsync('bash', ['-c', script], { cwd: REPO, timeout: 60_000 });
  return stdout;
}

async function engineSettings(): Promise<Record<string, string>> {
  return parse(await fs.readFile(path.resolve(REPO, banner.envFile)));
}

async function getCase(userId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { KYC_API_TOKEN } = await engineSettings();
  const response = await fetch(`${banner.apiUrl}/v1/cases/${userId}`, {
    headers: { authorization: `Bearer ${KYC_API_TOKEN}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kyc-start-test-'));
  ports = await freeStartPorts();
  engine = new StartProcess(startEnv(ports, dataDir));
});

afterAll(async () => {
  // Only when a test failed before the SIGINT test: SIGTERM lets the script stop its dev server itself.
  await engine?.stop('SIGTERM');
  await fs.rm(dataDir, { recursive: true, force: true });
}, 30_000);

test(
  'prints reachable URLs and the commands to try',
  async () => {
    const text = await engine.waitForStdout(/^Sandbox user ids.*$/m, BANNER_TIMEOUT);
    const apiUrl = /API:\s+(\S+)/.exec(text)?.[1];
    const uiUrl = /Temporal UI:\s+(\S+)/.exec(text)?.[1];
    const envFile = /^\s*set -a; \. (\S+); set \+a$/m.exec(text)?.[1];
    const putCommand = /^\s*(curl .* -X PUT .*)$/m.exec(text)?.[1];
    const watchCommand = /^\s*(npm run kyc -- watch \S+)$/m.exec(text)?.[1];
    expect(apiUrl).toBe(`http://127.0.0.1:${ports.api}`);
    expect(uiUrl).toBe(`http://127.0.0.1:${ports.ui}`);
    expect(text).toContain(`Temporal gRPC:  127.0.0.1:${ports.temporal}`);
    expect(text).toContain(`payloads decoded by ${apiUrl}/codec`);
    expect(text).toContain(`${uiUrl}/namespaces/default/workflows/kyc%3Aonboard-1`);
    expect(path.resolve(REPO, envFile!)).toBe(path.join(dataDir, 'kyc.env'));
    expect(putCommand).toContain(`${apiUrl}/v1/cases/onboard-1`);
    expect(watchCommand).toBe('npm run kyc -- watch onboard-1');
    banner = {
      apiUrl: apiUrl!,
      uiUrl: uiUrl!,
      envFile: envFile!,
      putCommand: putCommand!,
      watchCommand: watchCommand!,
    };

    for (const url of [uiUrl!, `${apiUrl}/healthz`, `${apiUrl}/readyz`, `${apiUrl}/openapi.json`]) {
      expect({ url, status: (await fetch(url)).status }).toEqual({ url, status: 200 });
    }
  },
  BANNER_TIMEOUT + 10_000,
);

test('keeps its secrets in a private env file, out of its output', async () => {
  const settings = await engineSettings();
  expect(settings.KYC_CODEC_KEY).toMatch(/^[\w.-]+:[A-Za-z0-9+/]+=*$/);
  expect(settings.KYC_API_TOKEN!.length).toBeGreaterThanOrEqual(16);
  expect((await fs.stat(path.join(dataDir, 'kyc.env'))).mode & 0o077).toBe(0);
  expect(engine.stdout + engine.stderr).not.toContain(settings.KYC_API_TOKEN);
  expect(engine.stdout + engine.stderr).not.toContain(settings.KYC_CODEC_KEY!.split(':')[1]);
});

test('the printed PUT starts a case that the printed watch follows to approved', async () => {
  const answer = await runPrinted(banner.putCommand.replace('onboard-1', onboarding));
  expect(JSON.parse(answer)).toMatchObject({ userId: onboarding });
  const watched = await runPrinted(banner.watchCommand.replace('onboard-1', onboarding));
  for (const phase of ['checking', 'sumsub_applicant', 'awaiting_user', 'sharing', 'awaiting_kriptomat']) {
    expect(watched).toContain(phase);
  }
  expect(watched).toContain('case ended: approved');
  const { body } = await getCase(onboarding);
  expect(body).toMatchObject({ outcome: 'approved', kycStatus: 'passed' });
  expect(body.sumsubEvents).toEqual(expect.any(Number));
  expect(body.sumsubEvents as number).toBeGreaterThanOrEqual(1); // the simulator's webhooks reached the case
}, 60_000);

test("the banner's KYT user: a transaction-monitoring RED+FINAL while the review is pending, then approved", async () => {
  expect(engine.stdout).toMatch(/kyt-1 gets a transaction-monitoring RED\+FINAL/);
  const kytUser = `kyt-${Date.now()}`;
  await runPrinted(banner.putCommand.replace('onboard-1', kytUser));
  const watched = await runPrinted(banner.watchCommand.replace('onboard-1', kytUser));
  expect(watched).toContain('case ended: approved');
  const { body } = await getCase(kytUser);
  expect(body).toMatchObject({ outcome: 'approved', kycStatus: 'passed' });
  expect(body.phases).not.toContainEqual(expect.objectContaining({ phase: 'rejected' }));
}, 60_000);

test('the Temporal UI lists the cases with their KycPhase, and shows their payloads decoded', async () => {
  const screenshot = path.join(process.env.KYC_SCREENSHOT_DIR ?? dataDir, 'workflow-list.png');
  const list = await captureWorkflowList(banner.uiUrl, 'default', screenshot, 'WorkflowType="kycCase"');
  expect(list.headers).toContain('KycPhase');
  const row = list.rows.find((text) => text.includes(`kyc:${onboarding}`));
  expect(row).toMatch(/\bapproved\b/);
  expect((await fs.readFile(screenshot)).subarray(1, 4).toString()).toBe('PNG');

  // The input is encrypted in history; the UI shows it because its codec endpoint is the engine's.
  const page = await readWorkflowPage(
    banner.uiUrl,
    'default',
    `kyc:${onboarding}`,
    `"userId": "${onboarding}"`,
  );
  expect(page).toContain(`"userId": "${onboarding}"`);
}, 60_000);

test('stops on SIGINT with exit code 0, taking the dev server down', async () => {
  // A case still open when the engine stops: the restart below must pick it up.
  const answer = await runPrinted(banner.putCommand.replace('onboard-1', openCase));
  expect(JSON.parse(answer)).toMatchObject({ userId: openCase });
  await eventually(async () =>
    (await getCase(openCase)).body.phase === 'awaiting_kriptomat' ? true : undefined,
  );

  const { code, signal } = await engine.stop('SIGINT', 20_000);
  expect({ code, signal, stderr: code === 0 ? '' : engine.stderr }).toEqual({
    code: 0,
    signal: null,
    stderr: '',
  });
  await expect(fs.stat(path.join(dataDir, 'temporal.db'))).resolves.toBeDefined();
  for (const port of [ports.temporal, ports.ui, ports.api, ports.kriptomat, ports.sumsub])
    expect({ port, free: await isPortFree(port) }).toEqual({ port, free: true });
}, 40_000);

test(
  'starting again resumes the open cases, still readable with the kept key',
  async () => {
    engine = new StartProcess(startEnv(ports, dataDir));
    await engine.waitForStdout(/^Sandbox user ids.*$/m, BANNER_TIMEOUT);
    const { KYC_API_TOKEN } = await engineSettings();
    // A recheck is an update: the new worker must replay the case's encrypted history to answer it.
    const response = await fetch(`${banner.apiUrl}/v1/cases/${openCase}/recheck`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KYC_API_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: openCase, phase: 'awaiting_kriptomat' });
    expect((await getCase(onboarding)).body).toMatchObject({ outcome: 'approved' });
    expect((await engine.stop('SIGINT', 20_000)).code).toBe(0);
  },
  BANNER_TIMEOUT + 30_000,
);

test('fails with a clear message when the gRPC port is taken', async () => {
  const taken = await freeStartPorts();
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(taken.temporal, '127.0.0.1', resolve));
  try {
    const result = await execFileAsync(process.execPath, START_ARGS, {
      cwd: REPO,
      env: startEnv(taken, dataDir),
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${taken.temporal} (Temporal gRPC) is already in use`);
    expect(result.stderr).toContain('TEMPORAL_PORT=<port>');
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});
