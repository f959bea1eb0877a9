import { condition } from '@temporalio/workflow';
import { readGap, waitBefore } from '../domain';
import type { KycCase } from './kyc-case-state';

/** Waits in `awaiting_kriptomat` until the next read of the read schedule is due, or a `recheck` asks. */
export async function untilKriptomatReadDue(kase: KycCase): Promise<void> {
  const { pollSchedule, jitter } = kase.timings;
  const gap = readGap(pollSchedule, kase.wait.looks, jitter, Math.random);
  await untilDue(kase, gap, 'next Kriptomat read', () => kase.asked.recheck);
  kase.readDue();
}

/**
 * Waits in `awaiting_user` for a webhook, a recheck or the fallback read. True when the review must be read:
 * always, unless the wait ended on a review a signal carried (only in runs that began before webhooks
 * became hints).
 */
export async function untilReviewReadDue(kase: KycCase): Promise<boolean> {
  const { timings } = kase;
  const gap = readGap([timings.reviewPollInterval], 0, timings.jitter, Math.random);
  const { asked } = kase;
  await untilDue(
    kase,
    gap,
    'SumSub review poll (fallback for lost webhooks)',
    () => asked.reviewChange || asked.recheck || asked.reviewHint,
  );
  const mustRead = asked.recheck || asked.reviewHint || !asked.reviewChange;
  kase.readDue();
  return mustRead;
}

/** Sleeps until the read is due (never past the wait's deadline) or `woken` turns true. */
async function untilDue(kase: KycCase, gapMs: number, summary: string, woken: () => boolean): Promise<void> {
  const ms = waitBefore(gapMs, Date.now(), Date.parse(kase.wait.deadlineAt));
  kase.scheduleRead(Date.now() + ms);
  if (ms > 0 && !woken()) await condition(woken, ms, { summary });
}
