import { Worker } from '@temporalio/worker';
import { msToNumber } from '@temporalio/common/lib/time';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { startFakeCaseEnv } from '../helpers/fake-case-env';
import { FAKE_RETRY_AFTER_MS } from '../helpers/fake-vendors';
import { testWorkflowSource } from '../helpers/temporal';

/**
 * A Kriptomat read answered 429: the case waits out `Retry-After` on a timer before the fallback read, so
 * whichever worker takes that read (with two workers, usually not the one that met the 429) cannot call
 * early. Before, the workflow never saw the delay (the SDK's failure converter dropped it on decoding).
 */
let t: FakeCaseEnv;
beforeAll(async () => {
  t = await startFakeCaseEnv('rate-limited-read');
});
afterAll(async () => t?.stop());

it("waits out Kriptomat's Retry-After on a timer before reading again, and replays its history", async () => {
  const userId = t.userOf('rate-limited');
  t.partners.user(userId, 'passed').fail('readKycStatus', userId, 'rate_limited');
  const handle = await t.start(userId);
  await t.until(handle, () => t.partners.calls.some((call) => call.name === 'readKycStatus'));
  t.partners.heal('readKycStatus', userId);

  expect(await handle.result()).toMatchObject({ userId, outcome: 'approved' });
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const timer = events.findIndex((event) => event.timerStartedEventAttributes);
  const fallback = events.findIndex(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'readKycStatus',
  );
  expect(timer).toBeGreaterThan(-1);
  expect(fallback).toBeGreaterThan(timer);
  const fires = events[timer]?.timerStartedEventAttributes?.startToFireTimeout;
  expect(msToNumber(`${Number(fires?.seconds ?? 0)}s`)).toBe(FAKE_RETRY_AFTER_MS);
  // The local attempt and the fallback: no read in between.
  expect(t.partners.calls.filter((call) => call.name === 'readKycStatus')).toHaveLength(2);

  await expect(
    Worker.runReplayHistory(testWorkflowSource(), history, handle.workflowId),
  ).resolves.not.toThrow();
}, 60_000);
