import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { AuditActivities } from '../../activities/audit';
import { createAuditActivities } from '../../activities/audit';
import type { AuditDatabase, AuditTrail } from '../../audit';
import { createAuditTrail, migrate } from '../../audit';
import type { KycCaseHandle } from '../../client/kyc-cases';
import { startOrJoinCase } from '../../client/kyc-cases';
import { operatorCancelUpdate, sumsubEventSignal } from '../../workflows/messages';
import { newAuditKeys } from '../audit/audit-keys';
import { embeddedDatabase } from '../audit/embedded-postgres';
import { REVIEWED, sumsubEvent } from '../helpers/case-env';
import { untilState } from '../helpers/cases';
import { applicantIdOf, FakeVendors } from '../helpers/fake-vendors';
import { runInBackground, testWorkflowSource, uniqueTaskQueue } from '../helpers/test-worker';
import { startTimeSkippingTemporal } from '../helpers/time-skipping';

/**
 * The case writes its audit trail: the real workflow in virtual time, typed fake vendors, and the real trail
 * on an embedded PostgreSQL (PGlite), as a worker with audit keys runs it.
 */
let env: TestWorkflowEnvironment;
let db: AuditDatabase;
let trail: AuditTrail;
let stopWorker: () => Promise<void>;
const partners = new FakeVendors();
const taskQueue = uniqueTaskQueue('audit-trail');
/** Flushes, as the activity received them; `failAfterWriting` makes the next one fail once it has written. */
const flushes: Parameters<AuditActivities['recordAudit']>[0][] = [];
let failAfterWriting = false;
let count = 0;

beforeAll(async () => {
  db = await embeddedDatabase();
  await migrate(db);
  trail = createAuditTrail({ db, keys: newAuditKeys() });
  const audit = createAuditActivities(trail);
  env = await startTimeSkippingTemporal();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    activities: {
      ...partners.activities(),
      recordAudit: async (input: Parameters<AuditActivities['recordAudit']>[0]) => {
        flushes.push(input);
        await audit.recordAudit(input);
        if (!failAfterWriting) return;
        failAfterWriting = false;
        throw ApplicationFailure.retryable('the answer was lost after the write', 'PartnerUnavailable');
      },
    },
    ...testWorkflowSource(),
  });
  stopWorker = runInBackground(worker);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await db?.close();
});

const userOf = (kind: string) => `${kind}-${Date.now()}-${++count}`;
const start = (userId: string): Promise<KycCaseHandle> => startOrJoinCase(env.client, userId, { taskQueue });

async function kindsOf(userId: string): Promise<string[]> {
  return (await trail.trail(userId))?.entries.map((entry) => entry.kind) ?? [];
}

/** Onboards `userId`: applicant, a GREEN review read after its webhook, the import, then Kriptomat passes. */
async function onboard(userId: string): Promise<KycCaseHandle> {
  partners.user(userId, 'not_started');
  const handle = await start(userId);
  await untilState(handle, (state) => state.phase === 'awaiting_user');
  partners.review(userId, REVIEWED.green);
  await handle.signal(sumsubEventSignal, sumsubEvent(userId, new Date().toISOString()));
  await untilState(handle, (state) => state.phase === 'awaiting_kriptomat');
  partners.user(userId, 'passed');
  await handle.result();
  return handle;
}

describe('an onboarded case', () => {
  it('lists what it learned, decided and told, in order, and nothing that leads to the user', async () => {
    const userId = userOf('onboarded');
    const handle = await onboard(userId);

    const written = await trail.trail(userId);
    // Each record names the run that wrote it and the workflow, never the workflow id.
    const { runId } = await handle.describe();
    expect(new Set(written?.entries.map((entry) => JSON.stringify(entry.run)))).toEqual(
      new Set([JSON.stringify({ id: runId, workflow: 'case' })]),
    );
    expect(written?.entries.map(({ kind, data }) => ({ kind, data }))).toEqual([
      { kind: 'case.started', data: {} },
      { kind: 'kriptomat.status_read', data: { status: 'not_started', eddStatus: 'not_reported' } },
      { kind: 'case.phase_changed', data: { from: 'checking', to: 'sumsub_applicant' } },
      { kind: 'sumsub.review_read', data: {} },
      { kind: 'case.phase_changed', data: { from: 'sumsub_applicant', to: 'awaiting_user' } },
      { kind: 'notification.sent', data: { eventType: 'case.action_required', deliveryId: '1' } },
      { kind: 'sumsub.review_read', data: { reviewAnswer: 'GREEN' } },
      { kind: 'case.phase_changed', data: { from: 'awaiting_user', to: 'sharing' } },
      { kind: 'kriptomat.import', data: { result: 'imported' } },
      { kind: 'kriptomat.status_read', data: { status: 'pending', eddStatus: 'not_reported' } },
      { kind: 'case.phase_changed', data: { from: 'sharing', to: 'awaiting_kriptomat' } },
      { kind: 'kriptomat.status_read', data: { status: 'passed', eddStatus: 'not_reported' } },
      { kind: 'case.phase_changed', data: { from: 'awaiting_kriptomat', to: 'approved' } },
      { kind: 'case.decided', data: { outcome: 'approved' } },
      { kind: 'case.ended', data: { outcome: 'approved' } },
      { kind: 'notification.sent', data: { eventType: 'case.completed', deliveryId: '2' } },
    ]);
    // Neither the user id nor the applicant id is anywhere in what the trail holds or exports.
    const stored = JSON.stringify(written);
    const exported: string[] = [];
    for await (const line of trail.exportSince(new Date(0))) exported.push(line);
    for (const text of [stored, exported.join('\n')]) {
      expect(text).not.toContain(userId);
      expect(text).not.toContain(applicantIdOf(userId));
    }
    // The partner heard of each event only once its record was written.
    const notified = partners.notifications.filter((event) => event.userId === userId);
    expect(notified.map((event) => event.type)).toEqual(['case.action_required', 'case.completed']);
  });

  it('writes each record once when a flush is retried after it wrote', async () => {
    const userId = userOf('retried-flush');
    partners.user(userId, 'passed');
    failAfterWriting = true;
    const handle = await start(userId);
    await handle.result();

    const ours = flushes.filter((flush) => flush.userId === userId);
    // The first flush ran twice (the answer of its first attempt was lost), with the same records and keys.
    expect(ours[0]).toEqual(ours[1]);
    expect(await kindsOf(userId)).toEqual([
      'case.started',
      'kriptomat.status_read',
      'case.phase_changed',
      'case.decided',
      'case.ended',
      'notification.sent',
    ]);
  });
});

describe('an operator cancel through the update', () => {
  it('is recorded with who and why before the case ends cancelled', async () => {
    const userId = userOf('cancelled');
    partners.user(userId, 'pending');
    const handle = await start(userId);
    await untilState(handle, (state) => state.phase === 'awaiting_kriptomat');

    await handle.executeUpdate(operatorCancelUpdate, {
      args: [{ by: 'api.ops-desk', reason: 'duplicate signup' }],
    });
    const result = await handle.result();

    expect(result).toMatchObject({ outcome: 'cancelled', cancelReason: 'duplicate signup' });
    const entries = (await trail.trail(userId))?.entries ?? [];
    const tail = entries.slice(-5).map(({ kind, data, text }) => ({ kind, data, text }));
    expect(tail).toEqual([
      {
        kind: 'operator.action',
        data: { operator: 'api.ops-desk', action: 'cancel' },
        text: { reason: 'duplicate signup' },
      },
      {
        kind: 'case.phase_changed',
        data: { from: 'awaiting_kriptomat', to: 'cancelled' },
        text: undefined,
      },
      { kind: 'case.decided', data: { outcome: 'cancelled' }, text: undefined },
      { kind: 'case.ended', data: { outcome: 'cancelled' }, text: undefined },
      {
        kind: 'notification.sent',
        data: { eventType: 'case.completed', deliveryId: '1' },
        text: undefined,
      },
    ]);
    // Cancelled through the engine: the run completed with its closing record, so verify flags nothing.
    const [report] = await trail.verify((await trail.trail(userId))?.pseudonym);
    expect(report).toMatchObject({ flags: [] });
    expect(report?.openRun).toBeUndefined();
  });
});

it('leaves every chain verifying', async () => {
  const reports = await trail.verify();
  expect(reports.length).toBeGreaterThanOrEqual(3);
  expect(reports.filter((report) => report.firstBad !== undefined)).toEqual([]);
  expect(reports.flatMap((report) => report.flags)).toEqual([]);
});
