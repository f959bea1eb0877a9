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
  it('holds the next attempt of the same activity until the Retry-After has passed', async () => {
    const calls: number[] = [];
    const activity = withRetryAfterGate(() => {
      calls.push(Date.now());
      return calls.length === 1 ? Promise.reject(rateLimited(400)) : Promise.resolve('ok');
    });

    await expect(attemptOf('readKycStatus').run(activity)).rejects.toThrow('rate limited');
    await expect(attemptOf('readKycStatus').run(activity)).resolves.toBe('ok');

    // The 429 came after the first call began, so the second must begin 400 ms after it (a timer may fire a
    // millisecond early by the wall clock).
    expect(calls).toHaveLength(2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(398);
  });

  it('holds nothing else: other activities, and retries of other failures', async () => {
    const order: string[] = [];
    const failing = withRetryAfterGate((error: Error) => Promise.reject(error));
    const recorded = (name: string) =>
      withRetryAfterGate(() => {
        order.push(name);
        return Promise.resolve();
      });
    await expect(attemptOf('shareApplicantWithKriptomat').run(failing, rateLimited(300))).rejects.toThrow();
    // A 5xx carries no Retry-After: Temporal's backoff alone decides.
    await expect(
      attemptOf('ensureSumsubApplicant').run(failing, new Error('vendor unavailable')),
    ).rejects.toThrow();

    // Started together, the others first: only the rate-limited activity waits (300 ms), so it runs last.
    await Promise.all([
      attemptOf('readApplicantReview').run(recorded('another activity')),
      attemptOf('ensureSumsubApplicant').run(recorded('ensure, after its 5xx')),
      attemptOf('shareApplicantWithKriptomat').run(recorded('share, after its 429')),
    ]);
    expect(order).toEqual(['another activity', 'ensure, after its 5xx', 'share, after its 429']);
  });
});
