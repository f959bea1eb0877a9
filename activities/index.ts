import type { KycActivities } from './contract';
import { withFailureMapping } from './failures';
import type { KriptomatPort, SumsubPort, SumsubSettings } from './kyc-activities';
import { partnerActivities } from './kyc-activities';
import { createNotifyPartner } from './partner/notify-activity';
import type { PartnerWebhookNotifier } from './partner/webhook-notifier';

export type { KycActivities, PartnerEvent, ShareResult } from './contract';
export type { SumsubSettings } from './kyc-activities';

/** The clients activities talk through: real ones in the worker, simulators or fakes in tests. */
export interface ActivityDeps {
  kriptomat: KriptomatPort;
  sumsub: SumsubPort;
  sumsubSettings: SumsubSettings;
  /** Null when no partner webhook is configured: events are logged, not sent. */
  notifier: Pick<PartnerWebhookNotifier, 'send'> | null;
}

/**
 * Builds the activity functions a worker registers, bound to their clients. Every engine error reaches
 * Temporal as the failure its type dictates (retryable or not, with `Retry-After`).
 */
export function createActivities(deps: ActivityDeps): KycActivities {
  const partner = partnerActivities(deps.kriptomat, deps.sumsub, deps.sumsubSettings);
  return {
    readKycStatus: withFailureMapping(partner.readKycStatus),
    ensureSumsubApplicant: withFailureMapping(partner.ensureSumsubApplicant),
    readApplicantReview: withFailureMapping(partner.readApplicantReview),
    shareApplicantWithKriptomat: withFailureMapping(partner.shareApplicantWithKriptomat),
    notifyPartner: createNotifyPartner(deps.notifier),
  };
}
