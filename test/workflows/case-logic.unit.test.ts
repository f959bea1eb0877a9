import type { CaseReview } from '../../domain';
import { foldReview, plainText, readGap, reviewFromEvent, verdictOf, waitBefore } from '../../domain';

/** The case's pure rules (domain/case-state.ts), without a server. */
describe('the read schedule', () => {
  const schedule = ['30s', '1m', '2m', '5m', '15m', '1h'];

  it('walks the schedule and then repeats its last gap', () => {
    const gaps = [0, 1, 2, 3, 4, 5, 6, 40].map((look) => readGap(schedule, look, 0, Math.random));
    expect(gaps).toEqual([30_000, 60_000, 120_000, 300_000, 900_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('stretches each gap by at most the jitter, never shortens it', () => {
    expect(readGap(['1m'], 0, 0.1, () => 0)).toBe(60_000);
    expect(readGap(['1m'], 0, 0.1, () => 0.5)).toBe(63_000);
    expect(readGap(['1m'], 0, 0.1, () => 0.999999)).toBe(66_000);
  });

  it('reads Kriptomat at most 30 times in a day of waiting (the first read included), whatever the jitter', () => {
    for (const draw of [0, 0.5, 0.999999]) {
      let elapsed = 0;
      let reads = 0;
      while ((elapsed += readGap(schedule, reads, 0.1, () => draw)) <= 24 * 3_600_000) reads++;
      expect(1 + reads).toBeLessThanOrEqual(30);
    }
  });

  it('never waits past the deadline', () => {
    expect(waitBefore(60_000, 1_000, 31_000)).toBe(30_000);
    expect(waitBefore(60_000, 1_000, 500)).toBe(0);
  });
});

describe('SumSub reviews', () => {
  const review = (patch: Partial<CaseReview>): CaseReview => ({
    applicantId: 'a1',
    reviewStatus: 'completed',
    reviewAnswer: 'GREEN',
    rejectType: null,
    at: '2026-01-01T00:00:00.000Z',
    lastEventAt: null,
    ...patch,
  });

  it.each([
    [{}, 'green'],
    [{ reviewAnswer: 'RED', rejectType: 'FINAL' }, 'red_final'],
    [{ reviewAnswer: 'RED', rejectType: 'RETRY' }, 'red_retry'],
    [{ reviewAnswer: 'RED', rejectType: null }, 'red_unconfirmed'],
    [{ reviewStatus: 'pending', reviewAnswer: null }, 'in_progress'],
    [{ reviewStatus: 'onHold', reviewAnswer: 'GREEN' }, 'in_progress'],
  ] as const)('%j means %s', (patch, verdict) => {
    expect(verdictOf(review(patch))).toBe(verdict);
  });

  it('ignores webhooks no newer than the newest applied, and other applicants', () => {
    const current = review({
      reviewAnswer: 'RED',
      rejectType: 'RETRY',
      lastEventAt: '2026-01-01T10:00:00.000Z',
    });
    expect(foldReview(current, review({ lastEventAt: '2026-01-01T09:00:00.000Z' }))).toBeNull();
    expect(foldReview(current, review({ lastEventAt: '2026-01-01T10:00:00.000Z' }))).toBeNull();
    expect(
      foldReview(current, review({ applicantId: 'a2', lastEventAt: '2026-01-01T11:00:00.000Z' })),
    ).toBeNull();
    const newer = foldReview(current, review({ lastEventAt: '2026-01-01T11:00:00.000Z' }));
    expect(newer?.changed).toBe(true);
    expect(newer?.review).toMatchObject({ reviewAnswer: 'GREEN', lastEventAt: '2026-01-01T11:00:00.000Z' });
  });

  it('lets a status read win, keeping the event clock', () => {
    const current = review({
      reviewStatus: 'pending',
      reviewAnswer: null,
      lastEventAt: '2026-01-01T10:00:00.000Z',
    });
    const read = foldReview(current, review({}));
    expect(read?.changed).toBe(true);
    expect(read?.review).toMatchObject({ reviewAnswer: 'GREEN', lastEventAt: '2026-01-01T10:00:00.000Z' });
    expect(foldReview(current, { ...current, at: 'later', lastEventAt: null })?.changed).toBe(false);
  });

  it('reads a reset as back to the start, and skips events without a review status', () => {
    const base = {
      applicantId: 'a1',
      reviewAnswer: null,
      rejectType: null,
      createdAt: '2026-01-01T10:00:00.000Z',
    };
    expect(
      reviewFromEvent({ ...base, type: 'applicantReset', reviewStatus: 'completed' }, 'now'),
    ).toMatchObject({
      reviewStatus: 'init',
      reviewAnswer: null,
    });
    expect(reviewFromEvent({ ...base, type: 'applicantCreated', reviewStatus: null }, 'now')).toBeNull();
  });
});

describe('plain text from people and vendors', () => {
  it('keeps one line: control characters and line breaks become spaces, and the length is capped', () => {
    expect(plainText('duplicate\r\n**signup**\u0000\u001b[31m  by  mistake\u202e', 500)).toBe(
      'duplicate **signup** [31m by mistake',
    );
    expect(plainText('x'.repeat(600), 500)).toHaveLength(500);
  });
});
