import { randomBytes } from 'node:crypto';
import { startOrJoinCase } from '../../client/kyc-cases';
import { untilState } from '../helpers/cases';
import type { AuditEngine, AuditedWorker } from './audit-engine';
import { startAuditEngine, startAuditedWorker } from './audit-engine';

/**
 * The trail a case writes, end to end: the real worker writing to a real PostgreSQL, the sandbox's vendors, the
 * real API taking a named key (`KYC_API_KEYS`) for an operator's cancel, and the API serving the trail back.
 * The case runs on a worker of this test's own that has the trail (the engine's shared worker is started
 * without it), on its own task queue. Loopback only.
 */
const OPS_TOKEN = `ops-${randomBytes(24).toString('base64url')}`;
let t: AuditEngine;
let worker: AuditedWorker;

beforeAll(async () => {
  t = await startAuditEngine('audit_trail', { KYC_API_KEYS: `ops-desk:${OPS_TOKEN}` });
  worker = await startAuditedWorker(t, 'audit-trail-e2e');
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await t?.stop();
}, 60_000);

interface TrailAnswer {
  entries: {
    kind: string;
    data: Record<string, unknown>;
    text?: Record<string, string> | 'sealed';
    run?: { id: string; original?: string; workflow: string };
  }[];
}

it("keeps the case's records, each naming its run, and the API key behind an operator's cancel", async () => {
  const userId = `pending_forever-${Date.now()}`;
  const handle = await startOrJoinCase(t.engine.client, userId, {
    taskQueue: worker.taskQueue,
    timings: { pollSchedule: ['1h'] },
  });
  await untilState(handle, (state) => state.phase === 'awaiting_kriptomat');

  const cancel = await fetch(`${t.engine.apiUrl}/v1/cases/${userId}/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'duplicate signup' }),
  });
  expect(cancel.status).toBe(202);
  await expect(handle.result()).resolves.toMatchObject({ outcome: 'cancelled' });

  const answer = await t.engine.api<TrailAnswer>('GET', `/v1/cases/${userId}/audit`);
  expect(answer.status).toBe(200);
  const kinds = answer.body.entries.map((entry) => entry.kind);
  expect(kinds.slice(0, 3)).toEqual(['case.started', 'kriptomat.status_read', 'case.phase_changed']);
  expect(kinds.slice(-3)).toEqual(['case.decided', 'case.ended', 'notification.sent']);
  const action = answer.body.entries.find((entry) => entry.kind === 'operator.action');
  expect(action).toMatchObject({
    data: { operator: 'api.ops-desk', action: 'cancel' },
    text: { reason: 'duplicate signup' },
  });
  expect(JSON.stringify(answer.body)).not.toContain(userId);

  // Every record names the one run that wrote it: the case's own, not made by a reset.
  const run = { id: handle.firstExecutionRunId, workflow: 'case' };
  expect(answer.body.entries.map((entry) => entry.run)).toEqual(answer.body.entries.map(() => run));
  const { code, stdout } = await t.kyc('audit', userId);
  expect(code).toBe(0);
  const records = stdout.split('\n').filter((line) => /^\s*\d+\s/.test(line));
  expect(records).toHaveLength(answer.body.entries.length);
  const shortRun = handle.firstExecutionRunId.slice(0, 8);
  for (const line of records) expect(line).toMatch(new RegExp(`  run=${shortRun} \\(case\\)$`));
});
