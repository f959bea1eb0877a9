import type { Logger } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { withRetryAfterGate } from '../../activities/retry-after-gate';
import { ERROR_TYPES } from '../../domain';

/** The failures below are on purpose: the SDK's warnings about them are noise here. */
const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const rateLimited = (retryAfterMs: number) =>
  ApplicationFailure.create({
    type: ERROR_TYPES.RateLimited,
    message: 'rate limited',
    nextRetryDelay: retryAfterMs,
  });

/** An activity of one workflow run, as Temporal hands out its attempts (the gate tells them by type). */
const attemptOf = (activityType: string) =>
  new MockActivityEnvironment(
    {
      activityType,
      workflowExecution: { workflowId: 'kyc:u-1', runId: 'run-1' },
      startToCloseTimeoutMs: 30_000,
    },
    { logger: quiet },
  );

/**
 * A retried attempt of a rate-limited activity never starts before the `Retry-After` of the 429, even when
 * Temporal hands it out early (after a server crash, as the chaos run found).
 */
describe('withRetryAfterGate', () => {
  // Virtual time: the gate's clock (Date.now) and its wait (a timer) move only when the test says.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('holds the next attempt of the same activity until the Retry-After has passed', async () => {
    const calls: number[] = [];
    const activity = withRetryAfterGate(() => {
      calls.push(Date.now());
      return calls.length === 1 ? Promise.reject(rateLimited(10_000)) : Promise.resolve('ok');
    });

    await expect(attemptOf('readKycStatus').run(activity)).rejects.toThrow('rate limited');
    const retried = attemptOf('readKycStatus').run(activity);
    await jest.advanceTimersByTimeAsync(9_999);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);

    await expect(retried).resolves.toBe('ok');
    // The 429 came after the first call began, so the second begins the whole Retry-After after it.
    expect(calls).toHaveLength(2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(10_000);
  });

  it('holds nothing else: other activities, and retries of other failures', async () => {
    const order: string[] = [];
    const failing = withRetryAfterGate((error: Error) => Promise.reject(error));
    const recorded = (name: string) =>
      withRetryAfterGate(() => {
        order.push(name);
        return Promise.resolve();
      });
    await expect(attemptOf('shareApplicantWithKriptomat').run(failing, rateLimited(3_000))).rejects.toThrow();
    // A 5xx carries no Retry-After: Temporal's backoff alone decides.
    await expect(
      attemptOf('ensureSumsubApplicant').run(failing, new Error('vendor unavailable')),
    ).rejects.toThrow();

    // Started together: the others run at once; only the rate-limited activity waits out its 3 s.
    const started = Promise.all([
      attemptOf('readApplicantReview').run(recorded('another activity')),
      attemptOf('ensureSumsubApplicant').run(recorded('ensure, after its 5xx')),
      attemptOf('shareApplicantWithKriptomat').run(recorded('share, after its 429')),
    ]);
    await jest.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['another activity', 'ensure, after its 5xx']);
    await jest.advanceTimersByTimeAsync(3_000);
    await started;
    expect(order).toEqual(['another activity', 'ensure, after its 5xx', 'share, after its 429']);
  });
});
