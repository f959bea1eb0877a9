import { UserNotFoundError } from '../../domain';
import type { ApplicantReview } from '../../domain';
import type { ReviewResult } from '../../vendors/sumsub/schemas';
import type { SumsubClient } from '../../vendors/sumsub/client';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator } from '../../sandbox/sumsub/server';
import { SUMSUB_APP_TOKEN, SUMSUB_SECRET, sumsubClient } from '../helpers/sumsub';
import { failureOf } from '../helpers/rejections';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/** The SumSub client against the simulator over real HTTP: every endpoint, as docs/vendor-apis.md documents it. */
const LEVEL = 'basic-kyc-level';
const KRIPTOMAT = 'kriptomat-client-id';
let sim: RunningSumsubSimulator;
let client: SumsubClient;

/** A `not_started-*` user never finishes alone, so its review changes only when a test decides it. */
async function approvedApplicant(userId: string): Promise<string> {
  const { id } = await client.ensureApplicant(LEVEL, { externalUserId: userId });
  await client.completeTestReview(id, { reviewAnswer: 'GREEN', rejectLabels: [] });
  return id;
}

beforeAll(async () => {
  sim = await startSumsubSimulator({ appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET });
  client = sumsubClient(sim.url);
});
afterAll(() => sim.close());

describe('applicants', () => {
  it('creates an applicant, sending the personal fields given', async () => {
    const applicant = await client.ensureApplicant(LEVEL, {
      externalUserId: 'not_started-create-1',
      email: 'sandy@sandbox.invalid',
      phone: '+10000000000',
      fixedInfo: { firstName: 'Sandy', lastName: 'Box', dob: '1990-01-01', country: 'DEU', addresses: [{}] },
    });
    expect(applicant).toMatchObject({
      externalUserId: 'not_started-create-1',
      review: { reviewStatus: 'init' },
    });
    expect(sim.applicants.get(applicant.id)?.providedFields).toEqual([
      'email',
      'fixedInfo.addresses',
      'fixedInfo.country',
      'fixedInfo.dob',
      'fixedInfo.firstName',
      'fixedInfo.lastName',
      'phone',
    ]);
  });

  it('recovers from a 409 with the existing applicant SumSub names in its answer', async () => {
    const first = await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-twice-1' });
    const second = await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-twice-1' });
    expect(second.id).toBe(first.id);
    expect(
      sim.log.find({ userId: 'not_started-twice-1' }).map(({ endpoint, status }) => `${endpoint} ${status}`),
    ).toEqual(['createApplicant 200', 'createApplicant 409']);
  });

  it('reports a plain duplicate create as a refused request carrying the correlation id', async () => {
    await client.createApplicant(LEVEL, { externalUserId: 'not_started-dup-1' });
    const error = await failureOf(client.createApplicant(LEVEL, { externalUserId: 'not_started-dup-1' }));
    expect(error).toMatchObject({ type: 'PartnerRejected', retryable: false, context: { status: 409 } });
    expect(error.message).toMatch(
      /^request refused \(SumSub POST \/resources\/applicants, HTTP 409, correlation id req-/,
    );
  });

  it('finds an applicant by an external user id full of reserved characters', async () => {
    const userId = "not_started-o'brien/1;x=2 é%+&?#";
    const created = await client.ensureApplicant(LEVEL, { externalUserId: userId });
    expect(await client.getApplicantByExternalUserId(userId)).toMatchObject({
      id: created.id,
      externalUserId: userId,
    });
    expect(await client.getApplicant(created.id)).toMatchObject({ id: created.id, externalUserId: userId });
    expect(
      sim.log.find({ endpoint: 'applicantByExternalId', userId }).map((request) => request.status),
    ).toEqual([200]);
  });

  it('reports unknown applicants as UserNotFound', async () => {
    for (const call of [
      client.getApplicantByExternalUserId('nobody-1'),
      client.getApplicant('000000000000000000000000'),
      client.getReview('000000000000000000000000'),
    ]) {
      const error = await failureOf(call);
      expect(error).toBeInstanceOf(UserNotFoundError);
      expect(error.context?.status).toBe(404);
    }
  });
});

describe('reviews', () => {
  it('starts at init, with no answer', async () => {
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-review-0' });
    expect(await client.getReview(id)).toEqual({
      applicantId: id,
      reviewStatus: 'init',
      reviewAnswer: null,
      rejectType: null,
    });
  });

  const decisions: [ReviewResult, Partial<ApplicantReview>][] = [
    [
      { reviewAnswer: 'GREEN', rejectLabels: [] },
      { reviewAnswer: 'GREEN', rejectType: null },
    ],
    [
      { reviewAnswer: 'RED', rejectLabels: ['BAD_PHOTO'], reviewRejectType: 'RETRY' },
      { reviewAnswer: 'RED', rejectType: 'RETRY' },
    ],
    [
      { reviewAnswer: 'RED', rejectLabels: ['FORGERY'], reviewRejectType: 'FINAL' },
      { reviewAnswer: 'RED', rejectType: 'FINAL' },
    ],
  ];

  it.each(decisions)('reads a review decided with testCompleted %j', async (result, expected) => {
    const userId = `not_started-review-${result.reviewAnswer}-${result.reviewRejectType ?? ''}`;
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: userId });
    await client.completeTestReview(id, result);
    expect(await client.getReview(id)).toEqual({ applicantId: id, reviewStatus: 'completed', ...expected });
  });
});

describe('tokens', () => {
  it('mints a WebSDK access token for the user, with its lifetime', async () => {
    const token = await client.createWebSdkAccessToken('not_started-sdk-1', 'basic kyc level', 600);
    expect(token).toEqual({ token: expect.stringMatching(/^_act-/) as string, userId: 'not_started-sdk-1' });
    expect(sim.log.find({ endpoint: 'accessToken', userId: 'not_started-sdk-1' })).toHaveLength(1);
  });

  it.each(['query', 'body'] as const)('mints a share token with the %s variant', async (variant) => {
    const applicantId = await approvedApplicant(`not_started-share-${variant}`);
    const token = await sumsubClient(sim.url, { shareTokenVariant: variant }).createShareToken(
      applicantId,
      KRIPTOMAT,
      600,
    );
    expect(token).toEqual({ token: expect.any(String) as string, forClientId: KRIPTOMAT });
    const path =
      variant === 'query' ? '/resources/accessTokens/-/shareToken' : '/resources/accessTokens/shareToken';
    expect(sim.log.find({ endpoint: 'shareToken', path, status: 200 })).toHaveLength(1);
    expect(sim.log.shareTokensMinted.get(`not_started-share-${variant}`)).toBe(1);
  });

  it('refuses to share an applicant who is not approved', async () => {
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-share-red' });
    await client.completeTestReview(id, { reviewAnswer: 'RED', reviewRejectType: 'RETRY' });
    expect(await failureOf(client.createShareToken(id, KRIPTOMAT, 600))).toMatchObject({
      type: 'PartnerRejected',
      context: { status: 400 },
    });
  });
});

describe('share tokens at the recipient (ledger.redeem)', () => {
  it('redeems a token once, for its partner and its user only', async () => {
    const applicantId = await approvedApplicant('not_started-redeem-1');
    const { token } = await client.createShareToken(applicantId, KRIPTOMAT, 600);
    const as = (forClientId: string, userId: string) => sim.ledger.redeem(token, { forClientId, userId });
    expect(as('someone-else', 'not_started-redeem-1')).toMatchObject({ ok: false, errorCode: 10502 });
    expect(as(KRIPTOMAT, 'not_started-other-1')).toMatchObject({ ok: false, errorCode: 10504 });
    expect(as(KRIPTOMAT, 'not_started-redeem-1')).toEqual({
      ok: true,
      applicantId,
      externalUserId: 'not_started-redeem-1',
    });
    expect(as(KRIPTOMAT, 'not_started-redeem-1')).toEqual({
      ok: false,
      status: 401,
      errorName: 'share-token-expired-or-used',
    });
  });

  it('does not know tokens it never minted', () => {
    expect(sim.ledger.redeem('forged', { forClientId: KRIPTOMAT, userId: 'x' })).toEqual({
      ok: false,
      status: 400,
      errorCode: 10503,
      errorName: 'invalid-share-token',
    });
  });

  it('lets a token expire after its ttlInSecs', async () => {
    let now = Date.now();
    const clock = () => now;
    const timed = await startSumsubSimulator({
      appToken: SUMSUB_APP_TOKEN,
      secretKey: SUMSUB_SECRET,
      now: clock,
    });
    try {
      const timedClient = sumsubClient(timed.url, { now: clock });
      const { id } = await timedClient.ensureApplicant(LEVEL, { externalUserId: 'not_started-expiry-1' });
      await timedClient.completeTestReview(id, { reviewAnswer: 'GREEN' });
      const early = await timedClient.createShareToken(id, KRIPTOMAT, 60);
      const late = await timedClient.createShareToken(id, KRIPTOMAT, 60);
      now += 59_000;
      const request = { forClientId: KRIPTOMAT, userId: 'not_started-expiry-1' };
      expect(timed.ledger.redeem(early.token, request).ok).toBe(true);
      now += 1_000;
      expect(timed.ledger.redeem(late.token, request)).toMatchObject({ ok: false, status: 401 });
    } finally {
      await timed.close();
    }
  });
});
