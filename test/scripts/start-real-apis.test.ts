/**
 * `npm start` with partner credentials configured (here in an env file, as a partner keeps them in `.env`):
 * it starts no simulators and talks to the APIs the configuration names. Simulators started by the test stand
 * in for the real Kriptomat and SumSub, so the calls can be seen arriving.
 */
import { parse } from 'dotenv';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningSandbox } from '../../sandbox/start-sandbox';
import { startSandbox } from '../../sandbox/start-sandbox';
import { isPortFree } from '../../stack/ports';
import type { StartPorts } from '../helpers/start-process';
import { freeStartPorts, startEnv, StartProcess } from '../helpers/start-process';
import { eventually } from '../helpers/temporal';

const BANNER_TIMEOUT = 90_000;
const userId = `onboard-real-${process.pid}`;

let vendors: RunningSandbox;
let engine: StartProcess;
let dataDir: string;
let ports: StartPorts;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kyc-start-real-'));
  ports = await freeStartPorts();
  const webhookSecret = 'sumsub-dashboard-webhook-secret';
  vendors = await startSandbox({
    webhookUrl: `http://127.0.0.1:${ports.api}/webhooks/sumsub`,
    webhookSecret,
    reviewDelayMs: 300,
    decisionDelayMs: 500,
  });
  const partnerEnv = { ...vendors.workerEnv, SUMSUB_WEBHOOK_SECRET: webhookSecret, KYC_READ_SCHEDULE: '1s' };
  const envFile = path.join(dataDir, 'partner.env');
  await fs.writeFile(
    envFile,
    Object.entries(partnerEnv)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
  engine = new StartProcess({ ...startEnv(ports, dataDir), KYC_ENV_FILE: envFile });
});

afterAll(async () => {
  await engine?.stop('SIGTERM');
  await vendors?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
}, 30_000);

test(
  'runs against the configured APIs, without simulators of its own',
  async () => {
    const banner = await engine.waitForStdout(/npm run kyc -- watch/, BANNER_TIMEOUT);
    expect(banner).toContain('running against the real Kriptomat and SumSub APIs');
    expect(banner).not.toContain('sim:');
    expect(await isPortFree(ports.kriptomat)).toBe(true);
    expect(await isPortFree(ports.sumsub)).toBe(true);

    const { KYC_API_TOKEN } = parse(await fs.readFile(path.join(dataDir, 'kyc.env')));
    const api = (method: string, route: string) =>
      fetch(`http://127.0.0.1:${ports.api}${route}`, {
        method,
        headers: { authorization: `Bearer ${KYC_API_TOKEN}` },
      });
    expect((await api('PUT', `/v1/cases/${userId}`)).status).toBe(202);
    const finished = await eventually(async () => {
      const state = (await (await api('GET', `/v1/cases/${userId}`)).json()) as { outcome: string | null };
      return state.outcome ? state : undefined;
    }, 30_000);
    expect(finished).toMatchObject({ outcome: 'approved', kycStatus: 'passed' });
    // The case was run by the configured vendors: they saw the reads, the applicant and the import.
    expect(vendors.log.find({ endpoint: 'showUser', userId }).length).toBeGreaterThan(0);
    expect(vendors.sumsub.applicants.findByExternalUserId(userId)).toBeTruthy();
    expect(vendors.kriptomat.users.get(userId)?.kyc_status).toBe('passed');

    expect((await engine.stop('SIGINT', 20_000)).code).toBe(0);
  },
  BANNER_TIMEOUT + 40_000,
);
