import type { AuditTrail } from '../audit';
import type { AuditActivities } from './audit';
import { createAuditActivities } from './audit';
import type { KycActivities } from './contract';
import { withFailureMapping } from './failures';
import { withHeartbeat } from './heartbeat';
import { withRetryAfterGate } from './retry-after-gate';
import type { KriptomatPort, SumsubPort, SumsubSettings } from './kyc-activities';
import { vendorActivities } from './kyc-activities';
import { createNotifyPartner } from './notify-partner';
import { recordKeepingActivities } from './record-keeping';
import type { PartnerWebhookNotifier } from '../vendors/partner/webhook-notifier';

export type { KycActivities, PartnerEvent, ShareResult } from './contract';
export type { SumsubSettings } from './kyc-activities';
export type { AuditActivities, AuditEntry } from './audit';

/** The clients activities talk through: real ones in the worker, simulators or fakes in tests. */
export interface ActivityDeps {
  kriptomat: KriptomatPort;
  sumsub: SumsubPort;
  sumsubSettings: SumsubSettings;
  /** Null when no partner webhook is configured: events are logged, not sent. */
  notifier: Pick<PartnerWebhookNotifier, 'send'> | null;
  /** Null when the audit trail is off: records are dropped (the worker says so once at start). */
  audit?: AuditTrail | null;
}

/**
 * Builds the activity functions a worker registers, bound to their clients. Every engine error reaches
 * Temporal as the failure its type dictates (retryable or not, with `Retry-After`); a rate-limited activity
 * never starts again before its `Retry-After`; and every activity heartbeats while it runs, so an attempt
 * lost with a crashed worker is retried within seconds.
 */
export function createActivities(deps: ActivityDeps): KycActivities & AuditActivities {
  const partner = vendorActivities(deps.kriptomat, deps.sumsub, deps.sumsubSettings);
  const vendorCall = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    withHeartbeat(withRetryAfterGate(withFailureMapping(fn)));
  return {
    readKycStatus: vendorCall(partner.readKycStatus),
    ensureSumsubApplicant: vendorCall(partner.ensureSumsubApplicant),
    readApplicantReview: vendorCall(partner.readApplicantReview),
    shareApplicantWithKriptomat: vendorCall(partner.shareApplicantWithKriptomat),
    notifyPartner: withHeartbeat(createNotifyPartner(deps.notifier)),
    ...createAuditActivities(deps.audit ?? null),
    ...recordKeepingActivities(deps),
  };
}
