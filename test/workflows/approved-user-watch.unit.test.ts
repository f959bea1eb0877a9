import type { WorkflowHandle } from '@temporalio/client';
import { startOrJoinCase } from '../../client/kyc-cases';
import type { ApprovedUserWatchInput, KycCaseState, PartnerEvent, WatchState } from '../../domain';
import { EDD_STATUS, KYC_PHASE, KYC_STATUS, watchWorkflowId } from '../../domain';
import type { approvedUserWatch } from '../../workflows/approved-user-watch';
import { getStateQuery } from '../../workflows/messages';
import { getWatchStateQuery, watchRecheckSignal } from '../../workflows/watch-messages';
import type { CaseEnv } from '../helpers/case-env';
import { eventually } from '../helpers/eventually';
import { startTimeSkippingCaseEnv } from '../helpers/time-skipping-case-env';

/**
 * The watch of an approved user (workflows/approved-user-watch.ts), started by the real case on approval, with
 * typed fake partners and its default schedule (1d, 1d, 7d, then weekly, each gap stretched by up to a tenth)
 * in virtual time: `env.sleep` moves the clock, polling a query does not.
 */
let t: CaseEnv;
beforeAll(async () => {
  t = await startTimeSkippingCaseEnv('approved-user-watch');
});
afterAll(async () => t?.stop());

type WatchHandle = WorkflowHandle<typeof approvedUserWatch>;

/**
 * Starts a case that asks for a watch, waits for its verdict, and returns it with the watch's handle. Waits by
 * polling, never by awaiting the result: a client awaiting a result lets the server skip ahead to the watch's
 * first read.
 */
async function approveWithWatch(userId: string): Promise<{ result: KycCaseState; watch: WatchHandle }> {
  const handle = await startOrJoinCase(t.env.client, userId, { taskQueue: t.taskQueue, watch: {} });
  await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
  const result = await handle.query(getStateQuery);
  return { result, watch: t.env.client.workflow.getHandle(watchWorkflowId(userId)) };
}

const stateOf = (watch: WatchHandle) => watch.query(getWatchStateQuery);

/** Waits (polling, without moving the clock) until the watch's state satisfies `done`. */
const untilWatch = (watch: WatchHandle, done: (state: WatchState) => boolean) =>
  eventually(async () => {
    const state = await stateOf(watch);
    return done(state) ? state : undefined;
  });

const statusChanges = (userId: string): PartnerEvent[] =>
  t.partners.notifications.filter((event) => event.userId === userId && event.type === 'case.status_changed');

const readsOf = (userId: string) =>
  t.partners.calls.filter((call) => call.name === 'readKycStatus' && call.userId === userId).length;

describe('a case that ends approved and asked for a watch', () => {
  // Watches are left running: they only read when a test moves the clock, and the environment goes with the file.
  it('starts the watch, which outlives it and reads on its schedule for weeks; no change tells nothing', async () => {
    const userId = t.userOf('watched-quiet');
    t.partners.user(userId, 'passed');
    const { result, watch } = await approveWithWatch(userId);

    // The verdict is the case's alone: the same result as a case without a watch.
    expect(result).toMatchObject({ outcome: 'approved', kycStatus: 'passed', phase: 'approved' });
    expect(Object.keys(result)).not.toContain('watch');
    const started = await stateOf(watch);
    expect(started).toMatchObject({ phase: 'watching', kycStatus: 'passed', reads: 0, changeCount: 0 });
    expect((await watch.describe()).status.name).toBe('RUNNING');

    // Reads at 1 day, 2 days, 9 days and 16 days (each up to a tenth later): midway between them, counted.
    await t.env.sleep('36h');
    expect((await untilWatch(watch, (state) => state.reads >= 1)).reads).toBe(1);
    await t.env.sleep('36h');
    expect((await stateOf(watch)).reads).toBe(2);
    await t.env.sleep('4d');
    expect((await stateOf(watch)).reads).toBe(2);
    await t.env.sleep('4d');
    expect((await stateOf(watch)).reads).toBe(3);
    await t.env.sleep('8d');
    const later = await stateOf(watch);
    expect(later).toMatchObject({ reads: 4, kycStatus: 'passed', changeCount: 0, changes: [] });
    // The case read once; every later read is the watch's.
    expect(readsOf(userId)).toBe(1 + 4);
    expect(statusChanges(userId)).toEqual([]);
    // The case started it showing: `watching`, and the statuses it approved.
    const shown = (await watch.describe()).typedSearchAttributes;
    expect(shown.get(KYC_PHASE)).toBe('watching');
    expect(shown.get(KYC_STATUS)).toBe('passed');
    expect(shown.get(EDD_STATUS)).toBe('not_reported');
  });

  it('tells the partner case.status_changed once when Kriptomat declines the user later', async () => {
    const userId = t.userOf('watched-declined');
    t.partners.user(userId, 'passed');
    const { watch } = await approveWithWatch(userId);
    t.partners.user(userId, 'declined');
    await t.env.sleep('36h');
    const changed = await untilWatch(watch, (state) => state.reads >= 1);
    expect(changed).toMatchObject({ kycStatus: 'declined', eddStatus: 'not_reported', changeCount: 1 });
    expect(changed.changes).toEqual([
      {
        at: changed.lastReadAt,
        reason: 'schedule',
        from: { kycStatus: 'passed', eddStatus: 'not_reported' },
        to: { kycStatus: 'declined', eddStatus: 'not_reported' },
      },
    ]);
    // Another read of the same status tells nothing more.
    await t.env.sleep('36h');
    expect((await stateOf(watch)).reads).toBe(2);
    const events = await eventually(() =>
      statusChanges(userId).length > 0 ? statusChanges(userId) : undefined,
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'case.status_changed',
        userId,
        outcome: 'approved',
        kycStatus: 'declined',
        previous: { kycStatus: 'passed', eddStatus: 'not_reported' },
        eventId: expect.stringMatching(new RegExp(`^${watchWorkflowId(userId)}/.+/1$`)) as string,
      }),
    ]);
  });

  it('reads at once when a signal wakes it, and a burst of signals costs one more read', async () => {
    const userId = t.userOf('watched-woken');
    t.partners.user(userId, 'passed');
    const { watch } = await approveWithWatch(userId);
    t.partners.kyc.set(userId, { kycStatus: 'passed', eddStatus: 'required' });

    await watch.signal(watchRecheckSignal, { reason: 'kriptomat_webhook' });
    const woken = await untilWatch(watch, (state) => state.reads >= 1);
    expect(woken.changes.map((change) => change.reason)).toEqual(['kriptomat_webhook']);
    expect(woken).toMatchObject({ eddStatus: 'required', rechecks: 1 });
    // Read within minutes of the approval, not at the scheduled day.
    expect(Date.parse(woken.lastReadAt ?? '') - Date.parse(woken.since)).toBeLessThan(3_600_000);

    for (let i = 0; i < 5; i++) await watch.signal(watchRecheckSignal, { reason: 'sumsub_review_event' });
    await t.env.sleep('10m');
    expect(await stateOf(watch)).toMatchObject({ reads: 2, rechecks: 6, changeCount: 1 });
    // A signal that breaks its schema is dropped, counted, and wakes nothing.
    await watch.signal(watchRecheckSignal, { reason: 'the user emailed us' } as never);
    await untilWatch(watch, (state) => state.droppedMessages === 1);
    expect((await stateOf(watch)).reads).toBe(2);
  });

  it('keeps asking for the watch across its own continue-as-new, and starts it once approved', async () => {
    const userId = t.userOf('watched-after-waiting');
    t.partners.user(userId, 'pending');
    const handle = await startOrJoinCase(t.env.client, userId, {
      taskQueue: t.taskQueue,
      timings: { pollSchedule: ['1h'], jitter: 0, waitsPerRun: 1 },
      watch: {},
    });
    // Reads at 1h and 2h, each run ending after one wait; Kriptomat passes the user before the 3h read.
    await t.env.sleep('150m');
    t.partners.user(userId, 'passed');
    await t.env.sleep('1h');
    await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));

    const result = await t.env.client.workflow.getHandle(handle.workflowId).query(getStateQuery);
    expect(result).toMatchObject({ outcome: 'approved', kycStatus: 'passed' });
    expect(result.runs).toBeGreaterThanOrEqual(3);
    const watch: WatchHandle = t.env.client.workflow.getHandle(watchWorkflowId(userId));
    expect(await stateOf(watch)).toMatchObject({ phase: 'watching', kycStatus: 'passed', reads: 0 });
  });

  it('starts no watch for a case that did not ask for one', async () => {
    const userId = t.userOf('unwatched');
    t.partners.user(userId, 'passed');
    const result = await (await t.start(userId)).result();
    expect(result.outcome).toBe('approved');
    await expect(t.env.client.workflow.getHandle(watchWorkflowId(userId)).describe()).rejects.toThrow(
      /not found/i,
    );
  });
});

describe('the watch across runs', () => {
  it('continues as new after its reads per run, keeping its statuses, changes and event numbers', async () => {
    const userId = t.userOf('watched-long');
    t.partners.user(userId, 'passed');
    const input: ApprovedUserWatchInput = {
      userId,
      approved: { kycStatus: 'passed', eddStatus: 'not_reported', at: new Date().toISOString() },
      settings: { schedule: ['1h'], jitter: 0, readsPerRun: 3 },
    };
    const watch = await t.env.client.workflow.start<typeof approvedUserWatch>('approvedUserWatch', {
      workflowId: watchWorkflowId(userId),
      taskQueue: t.taskQueue,
      args: [input],
    });

    await t.env.sleep('90m');
    t.partners.user(userId, 'declined');
    await t.env.sleep('4h');
    t.partners.user(userId, 'passed');
    await t.env.sleep('4h');

    // Reads at 1h, 2h, ... 9h: 9 reads, three runs of three, both changes kept across them.
    const state = await untilWatch(watch, (s) => s.reads >= 9);
    expect(state).toMatchObject({ reads: 9, kycStatus: 'passed', changeCount: 2 });
    expect(state.runs).toBeGreaterThanOrEqual(3);
    expect(state.changes.map((change) => change.to.kycStatus)).toEqual(['declined', 'passed']);
    const events = await eventually(() =>
      statusChanges(userId).length === 2 ? statusChanges(userId) : undefined,
    );
    // A run's history stays small: a quiet read is six events (timer, workflow task, read marker); the first
    // run's three reads, one change told (an activity, a search-attribute update), fit in 12 each.
    const firstRun = await t.env.client.workflow
      .getHandle(watch.workflowId, watch.firstExecutionRunId)
      .fetchHistory();
    expect(firstRun.events?.length ?? 0).toBeLessThanOrEqual(3 * 12);
    // Numbered on from the state, under the first run's id: no number is used twice across runs.
    const prefix = `${watchWorkflowId(userId)}/${watch.firstExecutionRunId}/`;
    expect(events.map((event) => event.eventId)).toEqual([`${prefix}1`, `${prefix}2`]);
    // Each run shows what the last one read.
    const latest = t.env.client.workflow.getHandle(watchWorkflowId(userId));
    const shown = (await latest.describe()).typedSearchAttributes;
    expect(shown.get(KYC_PHASE)).toBe('watching');
    expect(shown.get(KYC_STATUS)).toBe('passed');
  });
});

// Last in the file: after a cancellation the time-skipping server no longer skips ahead for `env.sleep`.
describe('a later approval of a watched user', () => {
  it('is joined, not duplicated, when a later case approves the same user, and ends when cancelled', async () => {
    const userId = t.userOf('watched-twice');
    t.partners.user(userId, 'passed');
    const { watch } = await approveWithWatch(userId);
    const first = (await watch.describe()).runId;

    const { result } = await approveWithWatch(userId);

    expect(result.outcome).toBe('approved');
    const joined = await untilWatch(watch, (state) => state.reads >= 1);
    expect(joined.rechecks).toBe(1);
    const described = await t.env.client.workflow.getHandle(watchWorkflowId(userId)).describe();
    expect(described.runId).toBe(first);
    expect(described.status.name).toBe('RUNNING');

    await watch.cancel();
    await eventually(async () => ((await watch.describe()).status.name === 'CANCELLED' ? true : undefined));
  });
});
