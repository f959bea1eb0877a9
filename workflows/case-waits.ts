import { condition } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Duration } from '@temporalio/common';
import type { CaseWait, KycCaseState } from '../domain';
import { showDetails } from './case-record';
import { waitBefore } from './poll-schedule';

/** The wait of `phase`, started now unless the case is resuming it (after a retry or continue-as-new). */
export function currentWait(state: KycCaseState, phase: CaseWait['phase'], deadline: Duration): CaseWait {
  if (state.wait?.phase === phase) return state.wait;
  const now = Date.now();
  state.wait = { phase, since: iso(now), deadlineAt: iso(now + msToNumber(deadline)), looks: 0 };
  return state.wait;
}

/** Sleeps until the next look is due (never past the deadline) or `woken` turns true. */
export async function waitForLook(
  state: KycCaseState,
  wait: CaseWait,
  gapMs: number,
  summary: string,
  woken: () => boolean,
): Promise<void> {
  const ms = waitBefore(gapMs, Date.now(), Date.parse(wait.deadlineAt));
  state.nextCheckAt = iso(Date.now() + ms);
  showDetails(state);
  if (ms > 0 && !woken()) await condition(woken, ms, { summary });
  state.nextCheckAt = null;
}

const iso = (ms: number) => new Date(ms).toISOString();
