import type { KycCaseState } from '../../domain';
import { renderCaseDetails } from '../../domain';

/** What an operator reads in the Temporal UI's "current details" of a case. */
function state(overrides: Partial<KycCaseState> = {}): KycCaseState {
  return {
    userId: '9113',
    phase: 'awaiting_kriptomat',
    outcome: null,
    kycStatus: 'pending',
    eddStatus: 'not_required',
    review: null,
    phases: [],
    lastError: null,
    kriptomatChecks: 3,
    sumsubChecks: 1,
    sumsubEvents: 2,
    wait: null,
    nextCheckAt: '2026-12-03T12:00:00.000Z',
    notifications: 0,
    cancelReason: null,
    runs: 1,
    startedAt: '2026-12-03T11:00:00.000Z',
    updatedAt: '2026-12-03T11:30:00.000Z',
    ...overrides,
  };
}

it('shows the phase, both statuses, the reads and when the next read is due', () => {
  const details = renderCaseDetails(state());
  expect(details).toContain('**Phase:** awaiting_kriptomat');
  expect(details).toContain('**Kriptomat KYC:** pending · **EDD:** not_required');
  expect(details).toContain('**Reads:** 3 Kriptomat, 1 SumSub · **webhooks:** 2');
  expect(details).toContain('**Next read:** 2026-12-03T12:00:00.000Z');
});

it("tells the operator of a parked case what to do and when it ends, with the vendor's text shown as text", () => {
  const details = renderCaseDetails(
    state({
      phase: 'needs_attention',
      lastError: {
        type: 'ContractViolation',
        step: 'checking',
        message: 'unexpected *kyc_status* `<script>`',
        at: '2026-12-03T11:40:00.000Z',
        expiresAt: '2026-12-10T11:40:00.000Z',
      },
    }),
  );
  expect(details).toContain(
    '**Last error** (ContractViolation, in checking): unexpected \\*kyc\\_status\\* \\`\\<script\\>\\`',
  );
  expect(details).toContain(
    '_Send `retry` once fixed, or `cancel`._ Ends `unresolved` at 2026-12-10T11:40:00.000Z.',
  );
});

it('renders named fields only, so nothing else in the state reaches the UI', () => {
  const withExtra = { ...state(), email: 'user@example.invalid' } as KycCaseState;
  expect(renderCaseDetails(withExtra)).not.toContain('example.invalid');
  expect(renderCaseDetails(withExtra)).not.toContain('9113');
});

it('says a continued case is in a later run, and why a cancelled case ended', () => {
  const details = renderCaseDetails(
    state({ phase: 'cancelled', outcome: 'cancelled', cancelReason: 'duplicate #signup', runs: 3 }),
  );
  expect(details).toContain('**Phase:** cancelled (outcome: cancelled)');
  expect(details).toContain('**Cancelled:** duplicate \\#signup');
  expect(details).toContain('**Run:** 3 (continued as new)');
});
