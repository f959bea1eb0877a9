import { WorkflowNotFoundError } from '@temporalio/client';
import type { AuditRecord } from '../../audit';
import { kycWorkflowId } from '../../domain';
import { textFoundIn } from '../audit/tamper';
import { eventually } from '../helpers/temporal';
import type { AuditEngine } from './audit-engine';
import { startAuditEngine, untilGone } from './audit-engine';

/**
 * A user's erasure, as an operator runs it with `kyc erase` (through the API): a running case is cancelled
 * first, the user's closed executions are deleted from Temporal, the user's audit key is destroyed (no AML
 * hold here: `KYC_AUDIT_HOLD=0d`), and afterwards the trail still verifies and still answers "why" by
 * pseudonym, while nothing in the database leads back to the user id.
 */
let t: AuditEngine;
beforeAll(async () => {
  t = await startAuditEngine('audit_erase', { KYC_AUDIT_HOLD: '0d' });
}, 180_000);
afterAll(async () => t?.stop(), 60_000);

const records: AuditRecord[] = [
  { kind: 'case.started', data: { by: 'partner-api' } },
  { kind: 'case.decided', data: { outcome: 'approved' } },
  { kind: 'case.ended', data: { outcome: 'approved' } },
  {
    kind: 'operator.action',
    data: { operator: 'ops', action: 'erase' },
    text: { reason: 'the user wrote to support' },
  },
];

async function recordCase(userId: string): Promise<string> {
  for (const [index, record] of records.entries())
    await t.store.trail.append(userId, record, { idempotencyKey: `test:${index}` });
  const trail = await t.store.trail.trail(userId);
  if (!trail) throw new Error('no trail');
  return trail.pseudonym;
}

it('deletes the closed case, destroys the key, and leaves a trail that verifies and names no one', async () => {
  const userId = `passed-erase-${Date.now()}`;
  await t.closedCase(userId);
  const pseudonym = await recordCase(userId);
  expect(await textFoundIn(t.db, userId)).toEqual([]);

  const { code, stdout, stderr } = await t.kyc('erase', userId);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain(`erased: the audit key of ${userId} is destroyed`);
  expect(stdout).toContain('deleted 1 closed Temporal executions');

  await untilGone(t.engine, kycWorkflowId(userId));
  await expect(t.engine.client.workflow.getHandle(kycWorkflowId(userId)).describe()).rejects.toBeInstanceOf(
    WorkflowNotFoundError,
  );
  const chains = await t.store.trail.verify(pseudonym);
  expect(chains).toMatchObject([{ pseudonym, rows: records.length + 1 }]);
  expect(chains[0]?.firstBad).toBeUndefined();
  const kept = await t.store.trail.trailOf(pseudonym);
  expect(kept?.erased).toBe(true);
  expect(kept?.entries.map((entry) => entry.kind)).toEqual([...records.map((r) => r.kind), 'erasure.done']);
  expect(kept?.entries.find((entry) => entry.kind === 'operator.action')?.text).toBe('sealed');
  // Nothing leads back: not the user id in any table, and the id no longer finds the trail.
  expect(await textFoundIn(t.db, userId)).toEqual([]);
  expect(await t.store.trail.trail(userId)).toBeUndefined();
  const again = await t.kyc('audit', userId);
  expect(again.code).toBe(3);
}, 180_000);

it('cancels a running case first, with a reason, then deletes it', async () => {
  const userId = `pending_forever-erase-${Date.now()}`;
  expect((await t.engine.api('PUT', `/v1/cases/${userId}`)).status).toBe(202);
  await eventually(async () => {
    const { status, body } = await t.engine.api<{ phase?: string }>('GET', `/v1/cases/${userId}`);
    return status === 200 && body.phase !== 'checking' ? true : undefined;
  });
  await recordCase(userId);

  const answer = await t.engine.api<Record<string, unknown>>('DELETE', `/v1/cases/${userId}/personal-data`);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ userId, caseCancelled: true, trail: 'erased' });
  expect(answer.body.executionsDeleted).toBeGreaterThanOrEqual(1);
  await untilGone(t.engine, kycWorkflowId(userId));
  expect(await textFoundIn(t.db, userId)).toEqual([]);
}, 180_000);
