import { msToNumber } from '@temporalio/common/lib/time';
import { Worker } from '@temporalio/worker';
import type { CaseEnv } from '../helpers/case-env';
import { startTimeSkippingCaseEnv } from '../helpers/time-skipping-case-env';
import { testWorkflowSource } from '../helpers/test-worker';

/**
 * A Kriptomat read answered 429: the case waits out `Retry-After` on a timer before the fallback read, so
 * whichever worker takes that read (with two workers, usually not the one that met the 429) cannot call
 * early. Before, the workflow never saw the delay (the SDK's failure converter dropped it on decoding).
 */
let t: CaseEnv;
beforeAll(async () => {
  t = await startTimeSkippingCaseEnv('rate-limited-read');
});
afterAll(async () => t?.stop());

/** A Retry-After as a vendor under load sends it: long enough that real time could not wait it out. */
const RETRY_AFTER_MS = 10 * 60_000;

it("waits out Kriptomat's Retry-After on a timer before reading again, and replays its history", async () => {
  const userId = t.userOf('rate-limited');
  t.partners.retryAfterMs = RETRY_AFTER_MS;
  t.partners.user(userId, 'passed').fail('readKycStatus', userId, 'rate_limited');
  const handle = await t.start(userId);
  await t.until(handle, () => t.partners.calls.some((call) => call.name === 'readKycStatus'));
  t.partners.heal('readKycStatus', userId);

  const result = await handle.result();
  expect(result).toMatchObject({ userId, outcome: 'approved' });
  const [started, approved] = [result.phases[0], result.phases.at(-1)];
  expect(Date.parse(approved?.at ?? '') - Date.parse(started?.at ?? '')).toBeGreaterThanOrEqual(
    RETRY_AFTER_MS,
  );
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const timer = events.findIndex((event) => event.timerStartedEventAttributes);
  const fallback = events.findIndex(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'readKycStatus',
  );
  expect(timer).toBeGreaterThan(-1);
  expect(fallback).toBeGreaterThan(timer);
  const fires = events[timer]?.timerStartedEventAttributes?.startToFireTimeout;
  expect(msToNumber(`${Number(fires?.seconds ?? 0)}s`)).toBe(RETRY_AFTER_MS);
  // The local attempt and the fallback: no read in between.
  expect(t.partners.calls.filter((call) => call.name === 'readKycStatus')).toHaveLength(2);

  await expect(
    Worker.runReplayHistory(testWorkflowSource(), history, handle.workflowId),
  ).resolves.not.toThrow();
});
