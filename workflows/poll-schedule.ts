import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';

/**
 * The gap before look number `look` (0-based) of a wait: the schedule's entry, the last one repeating,
 * stretched by up to `jitter` of itself so that cases started together (a backfill) do not all poll in the
 * same second. Jitter only ever lengthens a gap: the schedule is the most a case may cost the vendor.
 * `random` is the workflow's own seeded `Math.random`, so the gaps replay exactly.
 */
export function pollGap(
  schedule: readonly Duration[],
  look: number,
  jitter: number,
  random: () => number,
): number {
  const base = schedule.map(msToNumber)[Math.min(look, schedule.length - 1)];
  if (base === undefined) throw new Error('the poll schedule is empty');
  const spread = Math.min(Math.max(jitter, 0), 1) * base;
  return Math.round(base + random() * spread);
}

/** How long to wait for the next look: the gap, but never past the deadline. */
export function waitBefore(gapMs: number, nowMs: number, deadlineMs: number): number {
  return Math.max(0, Math.min(gapMs, deadlineMs - nowMs));
}
