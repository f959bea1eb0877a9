import type { PartnerEvent } from '../../activities';

/** A partner notification of a case that ended approved, as the notifier sends it; no personal data. */
export function completedEvent(userId = 'u1'): PartnerEvent {
  return {
    eventId: `case-${userId}/completed/1`,
    type: 'case.completed',
    userId,
    phase: 'approved',
    action: null,
    outcome: 'approved',
    kycStatus: 'passed',
    eddStatus: 'not_reported',
    occurredAt: '2025-01-02T03:04:05.000Z',
  };
}
