import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { totpAt, totpKeyFromBase32 } from '../../sandbox/kriptomat/totp';
import { PARTNER, STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { freePorts } from '../helpers/ports';
import {
  sendRaw,
  startWebhookReceiver,
  SUMSUB_APP_TOKEN,
  SUMSUB_SECRET,
  waitFor,
  WEBHOOK_SECRET,
} from '../helpers/sumsub';

/**
 * sandbox/main.ts as the compose `sandbox` service runs it: a process of its own, with its ports and every
 * credential from the environment, stopped by SIGTERM.
 */
const ROOT = path.resolve(__dirname, '../..');
const KRIPTOMAT_SUMSUB_CLIENT_ID = 'kriptomat-at-sumsub-4e1d';
/** The secret path token of Kriptomat's webhook URL: it must never reach the output. */
const KRIPTOMAT_WEBHOOK_TOKEN = 'kriptomat-webhook-path-DO-NOT-LEAK-2b8e';

interface SandboxProcess {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the entry point with only `env` (and PATH): nothing of the developer's environment leaks in. */
function runSandbox(env: Record<string, string>): SandboxProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
}

const reachable = (url: string) =>
  fetch(url).then(
    (response) => response.ok,
    () => false,
  );

describe('sandbox/main.ts', () => {
  let sandbox: SandboxProcess | undefined;
  afterEach(() => {
    if (sandbox?.child.exitCode === null) sandbox.child.kill('SIGKILL');
  });

  it('serves both simulators with the credentials it is given, and stops cleanly on SIGTERM', async () => {
    const receiver = await startWebhookReceiver();
    const [kriptomatPort, sumsubPort] = await freePorts(2);
    const kriptomat = `http://127.0.0.1:${kriptomatPort}`;
    const sumsub = `http://127.0.0.1:${sumsubPort}`;
    try {
      sandbox = runSandbox({
        SANDBOX_HOST: '127.0.0.1',
        KRIPTOMAT_SIM_PORT: String(kriptomatPort),
        SUMSUB_SIM_PORT: String(sumsubPort),
        SUMSUB_SIM_WEBHOOK_URL: receiver.url,
        SUMSUB_SIM_REVIEW_DELAY_MS: '60000',
        KRIPTOMAT_TOKEN: STATIC_TOKEN,
        KRIPTOMAT_CLIENT_ID: PARTNER.clientId,
        KRIPTOMAT_CLIENT_SECRET: PARTNER.clientSecret,
        KRIPTOMAT_EMAIL: PARTNER.email,
        KRIPTOMAT_PASSWORD: PARTNER.password,
        KRIPTOMAT_TOTP_SECRET: PARTNER.totpSecret,
        SUMSUB_APP_TOKEN,
        SUMSUB_SECRET_KEY: SUMSUB_SECRET,
        SUMSUB_KRIPTOMAT_CLIENT_ID: KRIPTOMAT_SUMSUB_CLIENT_ID,
        SUMSUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
        KRIPTOMAT_SIM_LOGIN_ANSWER: 'wrapped',
        KRIPTOMAT_SIM_WEBHOOK_URL: receiver.url.replace(
          '/webhooks/sumsub',
          `/webhooks/kriptomat/${KRIPTOMAT_WEBHOOK_TOKEN}`,
        ),
        SUMSUB_SIM_DIGEST_ALG_HEADER: 'false',
      });
      await waitFor(() => reachable(`${kriptomat}/_sandbox/requests`), 20_000, 'the Kriptomat simulator');
      await waitFor(() => reachable(`${sumsub}/_sandbox/faults`), 5_000, 'the SumSub simulator');

      // Kriptomat: the static token opens the API, another does not, and the partner login works.
      const showUser = (token: string) =>
        fetch(`${kriptomat}/api/v1/partners/users/passed-1`, {
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await showUser(STATIC_TOKEN)).status).toBe(200);
      expect((await showUser('some-other-token')).status).toBe(401);
      const login = await fetch(`${kriptomat}/api/v1/partners/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: PARTNER.email,
          password: PARTNER.password,
          security_code: totpAt(totpKeyFromBase32(PARTNER.totpSecret), Date.now()),
          client_id: PARTNER.clientId,
          client_secret: PARTNER.clientSecret,
        }),
      });
      expect(login.status).toBe(200);
      // KRIPTOMAT_SIM_LOGIN_ANSWER=wrapped
      expect(await login.json()).toMatchObject({ status: true, data: { expires_in: '3600' } });

      // SumSub: requests signed with the given app token and secret pass; a bad signature does not.
      const created = await sendRaw(sumsub, {
        method: 'POST',
        path: '/resources/applicants?levelName=basic-kyc-level',
        body: JSON.stringify({ externalUserId: 'onboard-main-1' }),
      });
      expect(created.status).toBe(200);
      const forged = await sendRaw(sumsub, {
        method: 'GET',
        path: '/resources/applicants/-;externalUserId=onboard-main-1/one',
        headers: { 'X-App-Access-Sig': '0'.repeat(64) },
      });
      expect(forged.status).toBe(401);

      // Webhooks reach the configured URL, signed with the given secret.
      const [webhook] = await waitFor(
        () => receiver.received.length > 0 && receiver.received,
        10_000,
        'a webhook',
      );
      // SUMSUB_SIM_DIGEST_ALG_HEADER=false: no algorithm header, so the digest is HMAC_SHA256_HEX.
      expect(webhook?.headers).not.toHaveProperty('x-payload-digest-alg');
      const expected = createHmac('sha256', WEBHOOK_SECRET)
        .update(webhook?.raw ?? '')
        .digest('hex');
      expect(webhook?.headers['x-payload-digest']).toBe(expected);

      // Kriptomat's webhook reaches its URL (with the secret path) when a person decides for Kriptomat.
      await fetch(`${kriptomat}/_sandbox/users/pending_forever-main-1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kyc_status: 'passed' }),
      });
      await waitFor(
        () => receiver.bodies().some((body) => body.externalUserId === 'pending_forever-main-1'),
        10_000,
        "Kriptomat's webhook",
      );

      sandbox.child.kill('SIGTERM');
      expect(await sandbox.exit).toEqual({ code: 0, signal: null });
      const output = sandbox.output();
      expect(output).toContain(`Kriptomat simulator on 127.0.0.1:${kriptomatPort}`);
      expect(output).toContain(`SumSub simulator on 127.0.0.1:${sumsubPort}, webhooks to ${receiver.url}`);
      for (const secret of [
        STATIC_TOKEN,
        PARTNER.password,
        PARTNER.totpSecret,
        SUMSUB_SECRET,
        WEBHOOK_SECRET,
        KRIPTOMAT_WEBHOOK_TOKEN,
      ]) {
        expect(output).not.toContain(secret);
      }
      expect(await reachable(`${kriptomat}/_sandbox/requests`)).toBe(false);
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('refuses to start without credentials, naming the variables and never a value', async () => {
    const [kriptomatPort, sumsubPort] = await freePorts(2);
    sandbox = runSandbox({
      KRIPTOMAT_SIM_PORT: String(kriptomatPort),
      SUMSUB_SIM_PORT: String(sumsubPort),
      SUMSUB_APP_TOKEN,
      SUMSUB_SECRET_KEY: SUMSUB_SECRET,
      SUMSUB_SIM_WEBHOOK_URL: 'http://127.0.0.1:9/webhooks/sumsub',
    });
    expect(await sandbox.exit).toEqual({ code: 1, signal: null });
    const output = sandbox.output();
    for (const name of ['KRIPTOMAT_TOKEN', 'SUMSUB_WEBHOOK_SECRET']) {
      expect(output).toContain(name);
    }
    expect(output).not.toContain(SUMSUB_SECRET);
    expect(output).not.toContain(SUMSUB_APP_TOKEN);
  }, 30_000);
});
