import type { ApplicationFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common';
import { createActivities } from '../../activities';
import type { KycActivities } from '../../activities';
import { SumsubClient } from '../../vendors/sumsub/client';
import { startSandbox } from '../../sandbox/start-sandbox';
import type { RunningSandbox } from '../../sandbox/start-sandbox';
import { loadWorkerConfig } from '../../config';
import { TEST_CODEC_ENV } from '../helpers/codec';
import { vendorClientsFrom } from '../../vendors/clients';
import { applicationFailureOf } from '../helpers/rejections';

/**
 * The activities the worker registers, built from the worker's own configuration and clients, against both
 * simulators over real HTTP. Review and decision delays are a minute, so nothing moves unless a test moves it.
 */
let sandbox: RunningSandbox;
let activities: KycActivities;
let sumsubByHand: SumsubClient;
let count = 0;
/** A fresh user of the given scenario, so tests never share a user. */
const userOf = (scenario: string) => `${scenario}-activities-${Date.now()}-${++count}`;

/** A value of the worker environment the sandbox hands out. */
function envValue(name: string): string {
  const value = sandbox.workerEnv[name];
  if (!value) throw new Error(`the sandbox sets no ${name}`);
  return value;
}

beforeAll(async () => {
  sandbox = await startSandbox({ webhookUrl: null, reviewDelayMs: 60_000, decisionDelayMs: 60_000 });
  activities = createActivities(
    vendorClientsFrom(loadWorkerConfig({ ...sandbox.workerEnv, ...TEST_CODEC_ENV })),
  );
  sumsubByHand = new SumsubClient({
    baseUrl: envValue('SUMSUB_BASE_URL'),
    appToken: envValue('SUMSUB_APP_TOKEN'),
    secretKey: envValue('SUMSUB_SECRET_KEY'),
  });
});
afterEach(() => {
  sandbox.kriptomat.setFaults({});
  sandbox.sumsub.setFaults({});
});
afterAll(() => sandbox.close());

/** A person approving the applicant in the SumSub sandbox. */
const approve = (applicantId: string) =>
  sumsubByHand.completeTestReview(applicantId, { reviewAnswer: 'GREEN', rejectLabels: [] });

/** The personal values of the simulated profile. `building_number` ("1") is left out: any id may hold a 1. */
function profileValues(userId: string): string[] {
  const user = sandbox.kriptomat.users.get(userId);
  if (!user) throw new Error(`no simulated user ${userId}`);
  const { email, name, surname, phone, date_of_birth, address, city, postal_code, country } = user;
  return [email, name, surname, phone, date_of_birth, address, city, postal_code, country];
}

describe('readKycStatus', () => {
  it('returns the statuses and nothing of the profile', async () => {
    const userId = userOf('edd_required');
    const snapshot = await activities.readKycStatus(userId);
    expect(snapshot).toEqual({ kycStatus: 'passed', eddStatus: 'required' });
    expect(Object.keys(snapshot).sort()).toEqual(['eddStatus', 'kycStatus']);
  });
});

describe('ensureSumsubApplicant', () => {
  it('creates the applicant from the Kriptomat profile and returns only its review', async () => {
    const userId = userOf('onboard');
    const review = await activities.ensureSumsubApplicant(userId);

    const applicant = sandbox.sumsub.applicants.findByExternalUserId(userId);
    expect(applicant).toBeDefined();
    expect(review).toEqual({
      applicantId: applicant?.id,
      reviewStatus: 'init',
      reviewAnswer: null,
      rejectType: null,
    });
    expect(Object.keys(review).sort()).toEqual(['applicantId', 'rejectType', 'reviewAnswer', 'reviewStatus']);
    expect(applicant?.providedFields).toEqual(
      expect.arrayContaining([
        'email',
        'phone',
        'fixedInfo.firstName',
        'fixedInfo.dob',
        'fixedInfo.addresses',
      ]),
    );
    const returned = JSON.stringify(review);
    for (const value of profileValues(userId)) expect(returned).not.toContain(value);
  });

  it('finds the existing applicant on a second call instead of creating another', async () => {
    const userId = userOf('onboard');
    const first = await activities.ensureSumsubApplicant(userId);
    const second = await activities.ensureSumsubApplicant(userId);

    expect(second).toEqual(first);
    expect(sandbox.sumsub.applicants.list().filter((a) => a.externalUserId === userId)).toHaveLength(1);
    const sumsubCalls = sandbox.log
      .find({ service: 'sumsub', userId })
      .map(({ endpoint, status }) => `${endpoint} ${status}`);
    // SumSub's 409 names the existing applicant: no lookup, only its review is read.
    expect(sumsubCalls).toEqual(['createApplicant 200', 'createApplicant 409', 'applicantStatus 200']);
  });
});

describe('readApplicantReview', () => {
  it('reads the review as it is, and as a person decided it', async () => {
    const { applicantId } = await activities.ensureSumsubApplicant(userOf('not_started'));
    expect(await activities.readApplicantReview(applicantId)).toEqual({
      applicantId,
      reviewStatus: 'init',
      reviewAnswer: null,
      rejectType: null,
    });

    await approve(applicantId);
    expect(await activities.readApplicantReview(applicantId)).toEqual({
      applicantId,
      reviewStatus: 'completed',
      reviewAnswer: 'GREEN',
      rejectType: null,
    });
  });
});

describe('shareApplicantWithKriptomat', () => {
  it('imports a GREEN applicant once, and skips when run again after a crash', async () => {
    const userId = userOf('onboard');
    const { applicantId } = await activities.ensureSumsubApplicant(userId);
    await approve(applicantId);

    const first = await activities.shareApplicantWithKriptomat({ userId, applicantId });
    expect(first).toEqual({ result: 'imported', kyc: { kycStatus: 'pending', eddStatus: 'not_reported' } });
    expect(sandbox.kriptomat.users.get(userId)?.kyc_status).toBe('pending');
    expect(sandbox.log.shareTokensMinted.get(userId)).toBe(1);
    expect(sandbox.log.shareTokensRedeemed.get(userId)).toBe(1);
    expect(sandbox.log.importsOf(userId)).toBe(1);

    const again = await activities.shareApplicantWithKriptomat({ userId, applicantId });
    expect(again).toEqual({ result: 'skipped', kyc: { kycStatus: 'pending', eddStatus: 'not_reported' } });
    expect(sandbox.log.shareTokensMinted.get(userId)).toBe(1);
    expect(sandbox.log.importsOf(userId)).toBe(1);
  });
});

describe('failures reach Temporal typed for its retry policies', () => {
  /** No credential of the worker may appear in a failure: Temporal stores failures in workflow history. */
  function expectNoSecrets(failure: ApplicationFailure): void {
    const recorded = JSON.stringify({ message: failure.message, details: failure.details });
    for (const name of ['KRIPTOMAT_TOKEN', 'SUMSUB_APP_TOKEN', 'SUMSUB_SECRET_KEY']) {
      expect(recorded).not.toContain(envValue(name));
    }
  }

  it('an unknown user is UserNotFound, not retried', async () => {
    const failure = await applicationFailureOf(activities.readKycStatus(userOf('unknown')));
    expect(failure).toMatchObject({ type: 'UserNotFound', nonRetryable: true });
    expectNoSecrets(failure);
  });

  it('an unknown user has no applicant either', async () => {
    const userId = userOf('unknown');
    const failure = await applicationFailureOf(activities.ensureSumsubApplicant(userId));
    expect(failure).toMatchObject({ type: 'UserNotFound', nonRetryable: true });
    expect(sandbox.sumsub.applicants.findByExternalUserId(userId)).toBeUndefined();
  });

  it('a 500 is PartnerUnavailable, retried', async () => {
    sandbox.kriptomat.setFaults({ errorRate: 1 });
    const failure = await applicationFailureOf(activities.readKycStatus(userOf('passed')));
    expect(failure).toMatchObject({ type: 'PartnerUnavailable', nonRetryable: false });
    expect(failure.message).toContain('HTTP 500');
    expectNoSecrets(failure);
  });

  it("a 429 is RateLimited, retried after the vendor's Retry-After", async () => {
    sandbox.kriptomat.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
    const failure = await applicationFailureOf(activities.readKycStatus(userOf('passed')));
    expect(failure).toMatchObject({ type: 'RateLimited', nonRetryable: false });
    expect(failure.nextRetryDelay).toBeDefined();
    expect(msToNumber(failure.nextRetryDelay ?? 0)).toBe(7_000);
    expectNoSecrets(failure);
  });

  it('a failing SumSub during sharing is retried, and nothing is imported', async () => {
    const userId = userOf('onboard');
    const { applicantId } = await activities.ensureSumsubApplicant(userId);
    await approve(applicantId);
    sandbox.sumsub.setFaults({ errorRate: 1 });
    const failure = await applicationFailureOf(
      activities.shareApplicantWithKriptomat({ userId, applicantId }),
    );
    expect(failure).toMatchObject({ type: 'PartnerUnavailable', nonRetryable: false });
    expect(sandbox.log.importsOf(userId)).toBe(0);
    expect(sandbox.kriptomat.users.get(userId)?.kyc_status).toBe('not_started');
    expectNoSecrets(failure);
  });
});
