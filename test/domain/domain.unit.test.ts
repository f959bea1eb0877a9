import {
  CASE_OUTCOMES,
  finalOutcomeFor,
  isOutcome,
  KYC_STATUSES,
  kycWorkflowId,
  userIdFromWorkflowId,
} from '../../domain';

describe('case ids', () => {
  it('names the case of a user kyc:{userId} and reads it back', () => {
    expect(kycWorkflowId('12345')).toBe('kyc:12345');
    expect(userIdFromWorkflowId('kyc:12345')).toBe('12345');
    expect(userIdFromWorkflowId('other:12345')).toBeNull();
  });

  it.each(['', ' 1', 'a b', 'x/y', '../1', '-1', 'é', 'a'.repeat(129)])(
    'refuses the user id %j',
    (userId) => {
      expect(() => kycWorkflowId(userId)).toThrow(/invalid user id/);
    },
  );
});

describe('Kriptomat statuses', () => {
  it('settles passed, failed and declined, and keeps pending and not_started open', () => {
    const outcomes = Object.fromEntries(KYC_STATUSES.map((status) => [status, finalOutcomeFor(status)]));
    expect(outcomes).toEqual({
      passed: 'approved',
      failed: 'rejected',
      declined: 'rejected',
      pending: null,
      not_started: null,
    });
  });

  it('treats every outcome as a final phase', () => {
    expect(CASE_OUTCOMES.every(isOutcome)).toBe(true);
    expect(isOutcome('awaiting_kriptomat')).toBe(false);
  });
});
