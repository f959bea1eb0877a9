import type { CaseOutcome, CasePhase } from './case-phase';
import type { EddStatus, KycStatus } from './kriptomat-status';

/**
 * The headers of a partner notification: the HMAC of the body lets the partner trust it, the event id lets it
 * drop duplicates. Part of the contract with the partner, and a secret-bearing header the logger redacts.
 */
export const PARTNER_SIGNATURE_HEADER = 'x-kyc-signature';
export const PARTNER_EVENT_ID_HEADER = 'x-kyc-event-id';

/** What the partner must do for an `action_required` event. */
export type PartnerAction = 'verify_at_sumsub' | 'resubmit_at_sumsub';

/**
 * What the partner is told, without personal data: the partner knows its own user by `userId`. `eventId` is
 * stable across retries and worker restarts, so the partner can drop duplicates.
 */
export interface PartnerEvent {
  eventId: string;
  type: 'case.action_required' | 'case.completed';
  userId: string;
  phase: CasePhase;
  /** Set for `case.action_required`. */
  action: PartnerAction | null;
  /** Set for `case.completed`. */
  outcome: CaseOutcome | null;
  kycStatus: KycStatus | null;
  eddStatus: EddStatus | null;
  occurredAt: string;
}
