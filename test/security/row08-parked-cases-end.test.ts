import { KYC_OUTCOME, kycWorkflowId } from '../../domain';
import { formatCaseState } from '../../cli/format-state';
import { firstListed } from '../helpers/cases';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { startFakeCaseEnv } from '../helpers/fake-case-env';

/**
 * Row 8 of the hostile-networks table: a case parked in `needs_attention` must not stay open forever. At its
 * parked deadline it ends `unresolved`, keeps the error it was parked with, and the partner is told; while
 * parked, the operator sees when it will end.
 */
let t: FakeCaseEnv;
beforeAll(async () => {
  t = await startFakeCaseEnv('row08-parked-cases-end');
});
afterAll(async () => t?.stop());

/** The case's result once it ends, or null if it is still open after `ms` (the parked deadline is 3 s). */
async function endedWithin(handle: { result(): Promise<unknown> }, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const open = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([handle.result(), open]);
  } finally {
    clearTimeout(timer);
  }
}

it('a parked case nobody retries ends unresolved at its deadline, and the partner is told', async () => {
  const userId = t.userOf('parked');
  t.partners.user(userId, 'not_started').fail('ensureSumsubApplicant', userId, 'contract');
  const handle = await t.start(userId, { parkedDeadline: '3s' });
  const parked = await t.until(handle, (state) => state.phase === 'needs_attention');
  // The operator's view says when the case will end (the CLI's `kyc status`).
  expect(formatCaseState(parked)).toMatch(/ends unresolved\s+\d{4}-\d{2}-\d{2}T/);

  const result = await endedWithin(handle, 20_000);

  expect(result).toMatchObject({
    phase: 'unresolved',
    outcome: 'unresolved',
    lastError: { type: 'ContractViolation', step: 'sumsub_applicant' },
  });
  expect(t.partners.notifications.filter((event) => event.userId === userId).at(-1)).toMatchObject({
    type: 'case.completed',
    outcome: 'unresolved',
  });
  const listed = await firstListed(
    t.env.client,
    `KycOutcome="unresolved" AND WorkflowId="${kycWorkflowId(userId)}"`,
  );
  expect(listed.typedSearchAttributes.get(KYC_OUTCOME)).toBe('unresolved');
});
