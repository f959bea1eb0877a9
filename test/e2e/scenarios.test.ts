import { SumsubClient } from '../../vendors/sumsub/client';
import { EDD_STATUS, KYC_OUTCOME, KYC_PHASE, KYC_STATUS, kycWorkflowId } from '../../domain';
import { SANDBOX_SCENARIOS } from '../../sandbox/scenarios';
import type { SandboxScenarioName } from '../../sandbox/scenarios';
import { cancelSignal, retrySignal } from '../../workflows/messages';
import type { SandboxEngine } from '../helpers/sandbox-engine';
import { startSandboxEngine } from '../helpers/sandbox-engine';
import { firstListed, ONBOARDING_PHASES, phasesOf, untilState } from '../helpers/cases';

/**
 * Every row of the sandbox scenario table, end to end: the real workflow and activities on a real dev server,
 * HTTP to both simulators, signed SumSub webhooks through the receiver. Timings are seconds, not days.
 */
let engine: SandboxEngine;
beforeAll(async () => {
  engine = await startSandboxEngine('scenarios');
});
afterAll(async () => engine?.stop());

const TIMINGS = {
  pollSchedule: ['1s'],
  reviewPollInterval: '1h',
  userDeadline: '1m',
  decisionDeadline: '1m',
};
let count = 0;
const userOf = (scenario: SandboxScenarioName) => `${scenario}-${Date.now()}-${++count}`;

async function listed(userId: string, outcome: string) {
  const query = `KycOutcome="${outcome}" AND WorkflowId="${kycWorkflowId(userId)}"`;
  return (await firstListed(engine.client, query)).typedSearchAttributes;
}

type Expectation = {
  phases: string[];
  outcome: string;
  kycStatus: string;
  eddStatus?: string;
  imports: number;
};

const FINISHING: [SandboxScenarioName, Expectation][] = [
  ['passed', { phases: ['checking', 'approved'], outcome: 'approved', kycStatus: 'passed', imports: 0 }],
  [
    'verified',
    {
      phases: ['checking', 'approved'],
      outcome: 'approved',
      kycStatus: 'passed',
      eddStatus: 'not_required',
      imports: 0,
    },
  ],
  [
    'edd_required',
    {
      phases: ['checking', 'approved'],
      outcome: 'approved',
      kycStatus: 'passed',
      eddStatus: 'required',
      imports: 0,
    },
  ],
  ['failed', { phases: ['checking', 'rejected'], outcome: 'rejected', kycStatus: 'failed', imports: 0 }],
  ['declined', { phases: ['checking', 'rejected'], outcome: 'rejected', kycStatus: 'declined', imports: 0 }],
  [
    'pending',
    {
      phases: ['checking', 'awaiting_kriptomat', 'approved'],
      outcome: 'approved',
      kycStatus: 'passed',
      imports: 0,
    },
  ],
  [
    'onboard',
    { phases: [...ONBOARDING_PHASES, 'approved'], outcome: 'approved', kycStatus: 'passed', imports: 1 },
  ],
  [
    'onboard_declined',
    { phases: [...ONBOARDING_PHASES, 'rejected'], outcome: 'rejected', kycStatus: 'declined', imports: 1 },
  ],
  [
    'resubmit',
    { phases: [...ONBOARDING_PHASES, 'approved'], outcome: 'approved', kycStatus: 'passed', imports: 1 },
  ],
  [
    'sumsub_rejected',
    {
      phases: ['checking', 'sumsub_applicant', 'awaiting_user', 'rejected'],
      outcome: 'rejected',
      kycStatus: 'not_started',
      imports: 0,
    },
  ],
];

describe('the sandbox scenario table, end to end', () => {
  it.each(FINISHING)('%s', async (scenario, expected) => {
    const userId = userOf(scenario);
    const result = await (await engine.start(userId, TIMINGS)).result();

    expect(phasesOf(result)).toEqual(expected.phases);
    expect(result).toMatchObject({
      outcome: expected.outcome,
      kycStatus: expected.kycStatus,
      lastError: null,
    });
    if (expected.eddStatus) expect(result.eddStatus).toBe(expected.eddStatus);
    expect(engine.sandbox.log.importsOf(userId)).toBe(expected.imports);
    expect(engine.sandbox.log.shareTokensRedeemed.get(userId) ?? 0).toBe(expected.imports);
    const attributes = await listed(userId, expected.outcome);
    expect(attributes.get(KYC_PHASE)).toBe(expected.outcome);
    expect(attributes.get(KYC_OUTCOME)).toBe(expected.outcome);
    expect(attributes.get(KYC_STATUS)).toBe(expected.kycStatus);
    expect(attributes.get(EDD_STATUS)).toBe(result.eddStatus);
  });

  it('resubmit: the RED+RETRY and the GREEN both arrive as signed webhooks', async () => {
    const userId = userOf('resubmit');
    const result = await (await engine.start(userId, TIMINGS)).result();

    expect(result.review).toMatchObject({ reviewStatus: 'completed', reviewAnswer: 'GREEN' });
    const reviewed = engine.receipts.filter(
      (r) => r.result === 'signalled' && r.userId === userId && r.type === 'applicantReviewed',
    );
    expect(reviewed).toHaveLength(2);
    expect(SANDBOX_SCENARIOS.resubmit.reviews).toEqual(['RED+RETRY', 'GREEN']);
  });

  it('pending_forever: polls until the decision deadline and expires', async () => {
    const userId = userOf('pending_forever');
    const result = await (await engine.start(userId, { ...TIMINGS, decisionDeadline: '3s' })).result();

    expect(phasesOf(result)).toEqual(['checking', 'awaiting_kriptomat', 'expired']);
    expect(result.kriptomatChecks).toBeGreaterThanOrEqual(3);
    expect((await listed(userId, 'expired')).get(KYC_STATUS)).toBe('pending');
  });

  it('not_started: waits for the user until a person approves the applicant at SumSub', async () => {
    const userId = userOf('not_started');
    const handle = await engine.start(userId, TIMINGS);
    const waiting = await untilState(handle, (state) => state.phase === 'awaiting_user');
    const applicantId = waiting.review?.applicantId ?? '';
    expect(applicantId).not.toBe('');
    const sumsub = new SumsubClient({
      baseUrl: engine.config.SUMSUB_BASE_URL,
      appToken: engine.config.SUMSUB_APP_TOKEN,
      secretKey: engine.config.SUMSUB_SECRET_KEY,
    });

    await sumsub.completeTestReview(applicantId, { reviewAnswer: 'GREEN', rejectLabels: [] });
    const result = await handle.result();

    expect(phasesOf(result)).toEqual([...ONBOARDING_PHASES, 'approved']);
    expect(engine.sandbox.log.importsOf(userId)).toBe(1);
  });

  it('malformed: parks in needs_attention naming the field, and completes after a fix and a retry', async () => {
    const userId = userOf('malformed');
    const handle = await engine.start(userId, TIMINGS);
    const parked = await untilState(handle, (state) => state.phase === 'needs_attention');
    expect(parked.lastError).toMatchObject({ type: 'ContractViolation', step: 'checking' });
    expect(parked.lastError?.message).toContain('data.kyc_status');
    expect(parked.lastError?.message).not.toContain('under_review');

    engine.sandbox.kriptomat.users.update(userId, { kyc_status: 'passed' });
    await handle.signal(retrySignal);

    const result = await handle.result();
    expect(phasesOf(result)).toEqual(['checking', 'needs_attention', 'checking', 'approved']);
  });

  it('unknown: parks as UserNotFound and ends on cancel with the reason', async () => {
    const userId = userOf('unknown');
    const handle = await engine.start(userId, TIMINGS);
    const parked = await untilState(handle, (state) => state.phase === 'needs_attention');
    expect(parked.lastError).toMatchObject({ type: 'UserNotFound', step: 'checking' });

    await handle.signal(cancelSignal, { reason: 'not a Kriptomat user' });
    expect(await handle.result()).toMatchObject({
      outcome: 'cancelled',
      cancelReason: 'not a Kriptomat user',
    });
    expect((await listed(userId, 'cancelled')).get(KYC_PHASE)).toBe('cancelled');
  });

  it('covers every scenario of the table', () => {
    const tested = new Set([
      ...FINISHING.map(([name]) => name),
      'pending_forever',
      'not_started',
      'malformed',
      'unknown',
    ]);
    expect(Object.keys(SANDBOX_SCENARIOS).filter((name) => !tested.has(name))).toEqual([]);
  });
});
