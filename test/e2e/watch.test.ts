import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Connection } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { EDD_STATUS, KYC_PHASE, KYC_STATUS, watchWorkflowId } from '../../domain';
import { kyc } from '../cli/cli-process';
import type { ApiEngine } from '../helpers/api-engine';
import { startApiEngine } from '../helpers/api-engine';
import { TEST_CODEC_ENV } from '../helpers/codec';
import { eventually } from '../helpers/eventually';

/**
 * The watch of an approved user end to end, as `npm start` runs it: the real API (KYC_WATCH_APPROVED on), the
 * real worker on a dev server, both simulators. A sandbox user is approved; later a person at Kriptomat
 * declines them (the simulator's `/_sandbox/users` route), Kriptomat's webhook reaches the API, no case runs
 * any more, so the watch reads at once and tells the partner `case.status_changed`, which the partner verifies
 * with the `standardwebhooks` library. `GET /v1/cases/{id}` and `kyc status` show the verdict and the status now.
 */
const PARTNER_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const KRIPTOMAT_WEBHOOK_TOKEN = randomBytes(24).toString('base64url');

interface Delivery {
  raw: Buffer;
  headers: Record<string, string>;
}

/** The partner's notification endpoint on loopback: keeps every delivery as received, answers 200. */
async function startPartner() {
  const received: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = String(value);
      received.push({ raw: Buffer.concat(chunks), headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/kyc-events`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let partner: Awaited<ReturnType<typeof startPartner>>;
let engine: ApiEngine;
let dir: string;
beforeAll(async () => {
  partner = await startPartner();
  engine = await startApiEngine(
    'watch',
    {},
    { KRIPTOMAT_WEBHOOK_TOKEN, KYC_WATCH_APPROVED: 'true' },
    { PARTNER_WEBHOOK_URL: partner.url, PARTNER_WEBHOOK_SECRET: PARTNER_SECRET },
  );
  dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-watch-'));
});
afterAll(async () => {
  await engine?.stop();
  await partner?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every notification the partner received, verified with the Standard Webhooks library as a partner would. */
function verifiedNotifications(): { type: string; data: Record<string, unknown> }[] {
  const webhook = new Webhook(PARTNER_SECRET);
  return partner.received.map(
    ({ raw, headers }) => webhook.verify(raw, headers) as { type: string; data: Record<string, unknown> },
  );
}

const about = (userId: string) => verifiedNotifications().filter((event) => event.data.userId === userId);

interface CaseView {
  outcome: string;
  kycStatus: string;
  watch?: { workflowStatus: string; state: { kycStatus: string; changeCount: number; reads: number } | null };
}

it('tells the partner case.status_changed when Kriptomat declines an approved user, and shows it', async () => {
  // The `passed` scenario: Kriptomat already passed the user, so the case ends approved at its first read.
  const userId = `passed-${Date.now()}`;
  expect((await engine.api('PUT', `/v1/cases/${userId}`)).status).toBe(202);
  await eventually(() => (about(userId).some((event) => event.type === 'case.approved') ? true : undefined));
  const watch = engine.client.workflow.getHandle(watchWorkflowId(userId));
  await eventually(async () => ((await watch.describe()).status.name === 'RUNNING' ? true : undefined));
  const approved = await engine.api<CaseView>('GET', `/v1/cases/${userId}`);
  expect(approved.body).toMatchObject({
    outcome: 'approved',
    kycStatus: 'passed',
    watch: { workflowStatus: 'RUNNING', state: { kycStatus: 'passed', changeCount: 0, reads: 0 } },
  });

  // A person at Kriptomat declines the user; Kriptomat's webhook wakes the watch, which reads at once.
  const decline = await fetch(`${engine.sandbox.kriptomat.url}/_sandbox/users/${userId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kyc_status: 'declined' }),
  });
  expect(decline.status).toBe(200);

  const changed = await eventually(() => about(userId).find((event) => event.type === 'case.status_changed'));
  expect(changed.data).toMatchObject({
    userId,
    outcome: 'approved',
    kycStatus: 'declined',
    previous: { kycStatus: 'passed', eddStatus: expect.any(String) as string },
  });
  expect(changed.data.eventId).toEqual(expect.stringMatching(new RegExp(`^${watchWorkflowId(userId)}/`)));

  // The API keeps the verdict and shows the status now beside it.
  const view = await engine.api<CaseView>('GET', `/v1/cases/${userId}`);
  expect(view.body).toMatchObject({
    outcome: 'approved',
    kycStatus: 'passed',
    watch: { workflowStatus: 'RUNNING', state: { kycStatus: 'declined', changeCount: 1, reads: 1 } },
  });
  // The Temporal UI lists the watch by its search attributes.
  await eventually(async () => {
    const shown = (await watch.describe()).typedSearchAttributes;
    return shown.get(KYC_STATUS) === 'declined' ? shown : undefined;
  });
  const shown = (await watch.describe()).typedSearchAttributes;
  expect(shown.get(KYC_PHASE)).toBe('watching');
  expect(shown.get(EDD_STATUS)).toBeDefined();

  // An operator's `kyc status` prints the case's verdict and the watch's status now.
  // The API's client is a real connection; its address is the dev server the CLI must reach.
  const { address } = (engine.client.connection as Connection).options;
  const status = await kyc(
    ['status', userId],
    {
      ...TEST_CODEC_ENV,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: engine.taskQueue,
    },
    dir,
  );
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^outcome\s+approved$/m);
  expect(status.stdout).toMatch(/^\s+kycStatus now\s+declined$/m);
  expect(status.stdout).toMatch(/passed\/\S+ -> declined\/\S+ \(kriptomat_webhook\)/);

  // Stopped by an operator: the watch ends, and the case view says so.
  await watch.cancel();
  await eventually(async () => ((await watch.describe()).status.name === 'CANCELLED' ? true : undefined));
  const stopped = await engine.api<CaseView>('GET', `/v1/cases/${userId}`);
  expect(stopped.body.watch).toEqual({ workflowStatus: 'CANCELLED', state: null });
});
