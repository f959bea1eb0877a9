import { SUMSUB_REVIEW_EVENT_TYPES } from '../../domain';

/**
 * SumSub event types that arrive at the webhook URL, as SumSub documents them (docs/vendor-apis.md, "SumSub
 * webhooks"). Only `SUMSUB_REVIEW_EVENT_TYPES` wake a case; the rest are acknowledged and counted. The list
 * bounds the `type` label of the metrics and logs: any other type is `other`.
 */
export const SUMSUB_WEBHOOK_TYPES = [
  ...SUMSUB_REVIEW_EVENT_TYPES,
  'applicantCreated',
  'applicantPersonalInfoChanged',
  'applicantTagsChanged',
  'applicantLevelChanged',
  'applicantActivated',
  'applicantDeactivated',
  'applicantActionPending',
  'applicantActionReviewed',
  'applicantActionOnHold',
  'applicantWorkflowCompleted',
  'applicantWorkflowFailed',
  'applicantKytTxnApproved',
  'applicantKytTxnRejected',
  'applicantKytTxnAwaitingUser',
  'applicantKytTxnDataChanged',
  'travelRuleAction',
] as const;

/** Transaction-monitoring case events come as a family (`kytCaseCreated`, ...): one label for all of them. */
const KYT_CASE_LABEL = 'kytCase*';

/** The bounded label of an event type: its own name when SumSub documents it, `kytCase*`, else `other`. */
export function sumsubTypeLabel(type: unknown): string {
  if (typeof type !== 'string') return 'other';
  if ((SUMSUB_WEBHOOK_TYPES as readonly string[]).includes(type)) return type;
  return /^kytCase[A-Za-z]{1,40}$/.test(type) ? KYT_CASE_LABEL : 'other';
}
