import type { DataConverter } from '@temporalio/common';
import type { CaseTimings } from '../../domain';
import type { CaseEnv } from './case-env';
import { caseEnvOn } from './case-env';
import { startTestTemporal } from './temporal';

export { REVIEWED, sumsubEvent } from './case-env';

/** Short waits for real time: one-second polls, and deadlines far enough away unless a test brings them near. */
export const FAST_TIMINGS: Partial<CaseTimings> = {
  pollSchedule: ['1s'],
  reviewPollInterval: '1h',
  userDeadline: '1h',
  decisionDeadline: '1h',
  jitter: 0,
};

/**
 * The real case workflow on a real dev server, with typed fake partners and `FAST_TIMINGS`: for what needs
 * the dev server (visibility lists, the CLI, processes). Workflow logic alone runs in the unit tier on
 * `startTimeSkippingCaseEnv` (time-skipping-case-env.ts).
 */
export async function startFakeCaseEnv(
  name: string,
  options: { dataConverter?: DataConverter } = {},
): Promise<FakeCaseEnv> {
  return caseEnvOn(await startTestTemporal(), name, { ...options, timings: FAST_TIMINGS });
}

export type FakeCaseEnv = CaseEnv;
