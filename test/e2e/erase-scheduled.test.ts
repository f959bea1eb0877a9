import type { AuditRecord } from '../../audit';
import { eraseExecutions, recordKeepingWorkflowId, scheduleKeyDestruction } from '../../client/erasure';
import { startOrJoinCase } from '../../client/kyc-cases';
import type { recordKeeping } from '../../workflows/record-keeping';
import { textFoundIn } from '../audit/tamper';
import type { AuditedWorker, AuditEngine } from './audit-engine';
import { startAuditedWorker, startAuditEngine } from './audit-engine';

/**
 * An erasure under an AML hold, end to end: real cases run to their verdict on the real worker, which writes
 * their trail; the erasure answers `scheduled` and when; the trail still opens until then; and at the hold's
 * end the record-keeping workflow, on that same worker over that same trail, destroys that user's key by
 * itself, and no other user's. The API's hold is a day (`KYC_AUDIT_HOLD` counts whole days), so its answer
 * is checked under it; the short holds are named as the trail takes them (`holdUntil`, which the API does
 * not offer), composed from the client calls the API route makes. The cases and the record keeping run on a
 * worker of this test's own that has the trail (the engine's shared worker is started without it), on its
 * own task queue (`startAuditedWorker`). Loopback only.
 */
let t: AuditEngine;
let worker: AuditedWorker | undefined;
/** The audited worker's queue: the cases and the record keeping of this file run there. */
let taskQueue: string;

beforeAll(async () => {
  t = await startAuditEngine('audit_erase_scheduled', { KYC_AUDIT_HOLD: '1d' });
  worker = await startAuditedWorker(t, 'erase-scheduled-e2e');
  taskQueue = worker.taskQueue;
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await t?.stop();
}, 60_000);

const DAY = 86_400_000;
/** Long enough to look at the trail before it ends; the test waits on the workflow, not on this. */
const HOLD_MS = 6_000;

/** The operator's reason, as free text the trail seals under the user's key. */
const reason: AuditRecord = {
  kind: 'operator.action',
  data: { operator: 'ops', action: 'erase' },
  text: { reason: 'the user wrote to support' },
};

/** A sandbox user whose case ran to its verdict on the real worker, with the operator's reason appended. */
async function decidedUser(name: string): Promise<{ userId: string; pseudonym: string }> {
  const userId = `passed-${name}-${Date.now()}`;
  const handle = await startOrJoinCase(t.engine.client, userId, { taskQueue });
  await handle.result();
  await t.store.trail.append(userId, reason, { idempotencyKey: 'test:reason' });
  const trail = await t.store.trail.trail(userId);
  if (!trail) throw new Error(`the worker wrote no trail for ${name}`);
  // Written by the worker's case, not by this test.
  expect(trail.entries.map((entry) => entry.kind)).toEqual(
    expect.arrayContaining(['case.started', 'case.decided', 'case.ended']),
  );
  return { userId, pseudonym: trail.pseudonym };
}

/** The free text of the user's trail as the user id opens it; undefined once the id finds nothing. */
async function reasonOf(userId: string): Promise<string | undefined> {
  const trail = await t.store.trail.trail(userId);
  const text = trail?.entries.find((entry) => entry.kind === 'operator.action')?.text;
  return typeof text === 'object' ? text.reason : undefined;
}

it('answers scheduled, and when, through the API while the hold applies; the trail still opens', async () => {
  const { userId, pseudonym } = await decidedUser('erase-held');
  const asked = Date.now();
  const answer = await t.engine.api<Record<string, unknown>>('DELETE', `/v1/cases/${userId}/personal-data`);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ userId, executionsDeleted: 1, trail: 'scheduled' });
  // A day after the case ended, which was just before the request.
  const eraseAfter = Date.parse(String(answer.body.eraseAfter));
  expect(eraseAfter).toBeGreaterThan(asked + DAY - 120_000);
  expect(eraseAfter).toBeLessThanOrEqual(asked + DAY);

  // Its record keeping waits for that day (on the API's task queue, whose worker has no trail: never reached).
  const keeping = t.engine.client.workflow.getHandle(recordKeepingWorkflowId(pseudonym));
  expect((await keeping.describe()).status.name).toBe('RUNNING');
  expect(await reasonOf(userId)).toBe('the user wrote to support');
}, 180_000);

it("destroys the user's key by itself once the hold ends, and only that user's", async () => {
  const first = await decidedUser('erase-first');
  // A second user whose hold ends before the first's but whose record keeping never started (its start was
  // lost): the first user's workflow must leave it alone.
  const second = await decidedUser('erase-second');
  const secondHold = new Date(Date.now() + 1_000);
  const secondAnswer = await t.store.trail.erase(second.userId, { now: new Date(), holdUntil: secondHold });
  expect(secondAnswer).toMatchObject({ outcome: 'scheduled', pseudonym: second.pseudonym });

  // The erasure as the API route makes it, with a hold of seconds.
  expect(await eraseExecutions(t.engine.client, first.userId)).toMatchObject({ executionsDeleted: 1 });
  const holdUntil = new Date(Date.now() + HOLD_MS);
  const answer = await t.store.trail.erase(first.userId, { now: new Date(), holdUntil });
  expect(answer).toEqual({ outcome: 'scheduled', pseudonym: first.pseudonym, eraseAfter: holdUntil });
  const workflowId = await scheduleKeyDestruction(
    t.engine.client,
    { pseudonym: first.pseudonym, eraseAfter: holdUntil.toISOString() },
    taskQueue,
  );
  expect(workflowId).toBe(recordKeepingWorkflowId(first.pseudonym));

  // Until the hold ends, the trail opens as before.
  expect(await reasonOf(first.userId)).toBe('the user wrote to support');
  expect(await t.store.trail.destroyIfDue(first.pseudonym, new Date())).toBe('not_due');
  expect(Date.now()).toBeLessThan(holdUntil.getTime());

  const result = await t.engine.client.workflow.getHandle<typeof recordKeeping>(workflowId).result();
  expect(result).toEqual({ destroyed: true });
  expect(Date.now()).toBeGreaterThanOrEqual(holdUntil.getTime());

  // The trail still verifies and answers "why" by pseudonym; its free text no longer opens.
  const [report, ...others] = await t.store.trail.verify(first.pseudonym);
  expect(others).toEqual([]);
  expect(report).toMatchObject({ pseudonym: first.pseudonym });
  expect(report?.firstBad).toBeUndefined();
  const kept = await t.store.trail.trailOf(first.pseudonym);
  expect(kept?.erased).toBe(true);
  expect(kept?.entries.map((entry) => entry.kind)).toEqual(
    expect.arrayContaining(['case.ended', 'operator.action', 'erasure.requested', 'erasure.done']),
  );
  expect(kept?.entries.find((entry) => entry.kind === 'operator.action')?.text).toBe('sealed');
  // Nothing leads back: the user id finds nothing and appears in no table.
  expect(await t.store.trail.trail(first.userId)).toBeUndefined();
  expect(await t.store.trail.destroyIfDue(first.pseudonym, new Date())).toBe('erased_before');
  expect(await t.store.trail.destroyIfDue('p_nosuchsubjectinthetrail', new Date())).toBe('unknown');
  expect(await textFoundIn(t.db, first.userId)).toEqual([]);

  // The second user's hold ended before the first's, but the first user's run destroyed only its own key.
  expect(await reasonOf(second.userId)).toBe('the user wrote to support');
  expect((await t.store.trail.trailOf(second.pseudonym))?.erased).toBe(false);
  // Its own run, started now, destroys it.
  const secondRun = await scheduleKeyDestruction(
    t.engine.client,
    { pseudonym: second.pseudonym, eraseAfter: secondHold.toISOString() },
    taskQueue,
  );
  expect(await t.engine.client.workflow.getHandle<typeof recordKeeping>(secondRun).result()).toEqual({
    destroyed: true,
  });
  expect(await t.store.trail.trail(second.userId)).toBeUndefined();
  expect(await textFoundIn(t.db, second.userId)).toEqual([]);
}, 180_000);
