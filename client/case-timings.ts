import type { TimingConfig } from '../config';
import type { CaseTimings } from '../domain';

/**
 * The default timings of new cases from `KYC_READ_SCHEDULE` and friends (parsed to milliseconds); unset ones
 * keep the workflow's defaults.
 */
export function caseTimingsFromConfig(config: TimingConfig): Partial<CaseTimings> {
  const timings: Partial<CaseTimings> = {};
  if (config.KYC_READ_SCHEDULE) timings.pollSchedule = config.KYC_READ_SCHEDULE;
  if (config.KYC_REVIEW_READ_INTERVAL) timings.reviewPollInterval = config.KYC_REVIEW_READ_INTERVAL;
  if (config.KYC_USER_DEADLINE) timings.userDeadline = config.KYC_USER_DEADLINE;
  if (config.KYC_DECISION_DEADLINE) timings.decisionDeadline = config.KYC_DECISION_DEADLINE;
  if (config.KYC_PARKED_DEADLINE) timings.parkedDeadline = config.KYC_PARKED_DEADLINE;
  if (config.KYC_WAITS_PER_RUN) timings.waitsPerRun = config.KYC_WAITS_PER_RUN;
  return timings;
}
