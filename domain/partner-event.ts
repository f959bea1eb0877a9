import type { CaseOutcome, CasePhase } from './case-phase';
import type { EddStatus, KriptomatKycSnapshot, KycStatus } from './kriptomat-status';

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
 *
 * `case.status_changed` comes from the watch of an approved user (docs/partner-guide.md, "Watching approved
 * users"): `phase` and `outcome` stay the onboarding verdict (`approved`), `kycStatus` and `eddStatus` are the
 * statuses read now, and `previous` the ones read before.
 *
 * `case.needs_attention` says the case parked on a failure only an operator can fix; `errorType` names the kind
 * (domain/failure-policy.ts `ERROR_TYPES`), never the failure's message, which may quote a vendor.
 */
export interface PartnerEvent {
  eventId: string;
  type: 'case.action_required' | 'case.needs_attention' | 'case.completed' | 'case.status_changed';
  userId: string;
  phase: CasePhase;
  /** Set for `case.action_required`. */
  action: PartnerAction | null;
  /** Set for `case.completed` and `case.status_changed` (the onboarding verdict). */
  outcome: CaseOutcome | null;
  kycStatus: KycStatus | null;
  eddStatus: EddStatus | null;
  /** Set for `case.status_changed` only: the statuses before the change. */
  previous?: KriptomatKycSnapshot;
  /** Set for `case.needs_attention` only: the error type that parked the case. */
  errorType?: string;
  occurredAt: string;
}

/**
 * How notifications reach the partner. `standard` follows Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature `v1,<base64>`, a `{ type, timestamp, data }` body, one event name per outcome), which
 * partners verify with a library in any language. `legacy` is the first contract (x-kyc-signature over the flat
 * event, `case.completed`), kept for partners already integrated with it.
 */
export const PARTNER_WEBHOOK_FORMATS = ['standard', 'legacy'] as const;
export type PartnerWebhookFormat = (typeof PARTNER_WEBHOOK_FORMATS)[number];

/** The Standard Webhooks headers: the id is the event id, the same on every redelivery of one event. */
export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** Event names under Standard Webhooks: an ended case is named by its outcome, so a partner routes on `type`. */
export type StandardEventType =
  'case.action_required' | 'case.needs_attention' | 'case.status_changed' | `case.${CaseOutcome}`;

/** The Standard Webhooks name of an event: `case.completed` becomes `case.<outcome>`; the others keep theirs. */
export function standardEventType(event: PartnerEvent): StandardEventType {
  if (event.type !== 'case.completed') return event.type;
  // A completed event always carries its outcome (the workflow sets it with the final phase).
  return `case.${event.outcome ?? 'unresolved'}`;
}

/** The body of a Standard Webhooks notification: the event's name, when it happened, and the case's facts. */
export interface StandardEventBody {
  type: StandardEventType;
  timestamp: string;
  data: Omit<PartnerEvent, 'type' | 'occurredAt'>;
}

/** The body a partner receives for `event` in `format`: the flat event (legacy), or type/timestamp/data. */
export function partnerEventBody(
  event: PartnerEvent,
  format: PartnerWebhookFormat,
): PartnerEvent | StandardEventBody {
  if (format === 'legacy') return event;
  const { type: _type, occurredAt, ...data } = event;
  return { type: standardEventType(event), timestamp: occurredAt, data };
}
