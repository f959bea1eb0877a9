import { ContractViolationError } from '../../domain';
import type { KycError } from '../../domain';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator } from '../../sandbox/sumsub/server';
import { startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedReply } from '../helpers/scripted-server';
import { sendRaw, SUMSUB_APP_TOKEN, SUMSUB_SECRET, sumsubClient } from '../helpers/sumsub';
import { failureOf } from '../helpers/rejections';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/** How the client fails: refused signatures, injected faults, and bodies that break the contract. */
const LEVEL = 'basic-kyc-level';
let sim: RunningSumsubSimulator;

beforeAll(async () => {
  sim = await startSumsubSimulator({ appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

describe('signature checks', () => {
  it('refuses a wrong secret as a non-retryable auth failure with the correlation id', async () => {
    const error = await failureOf(
      sumsubClient(sim.url, { secretKey: 'wrong-secret' }).getApplicantByExternalUserId('x-1'),
    );
    expect(error).toMatchObject({ type: 'PartnerAuthFailed', retryable: false, context: { status: 401 } });
    expect(error.message).toMatch(/correlation id req-[0-9a-f-]{36}\)$/);
    expect(sim.log.find({ userId: 'x-1' })).toEqual([
      expect.objectContaining({ authorized: false, status: 401 }),
    ]);
  });

  // SumSub's tolerance is a minute. The skews stay 15 s clear of it on both sides: the timestamp is whole
  // seconds and the request takes time to arrive, so a skew near the edge would pass or fail with the load.
  it.each([
    ['75 s ahead', 75_000, false],
    ['75 s behind', -75_000, false],
    ['45 s ahead', 45_000, true],
    ['45 s behind', -45_000, true],
  ])('with a client clock %s, accepts it: %s', async (_name, skewMs, accepted) => {
    const skewed = sumsubClient(sim.url, { now: () => Date.now() + skewMs });
    const result = await skewed.createWebSdkAccessToken(`x-skew-${skewMs}`, LEVEL, 600).then(
      () => 'ok',
      (error: KycError) => error.type,
    );
    expect(result).toBe(accepted ? 'ok' : 'PartnerAuthFailed');
  });

  const body = '{"externalUserId":"x-raw-1"}';
  const path = `/resources/applicants?levelName=${LEVEL}`;

  it('accepts a hand-signed request whose signed and sent bytes agree', async () => {
    expect((await sendRaw(sim.url, { method: 'POST', path, body })).status).toBe(200);
  });

  it.each([
    [
      'a body re-serialised after signing',
      { body: '{ "externalUserId": "x-raw-2" }', signedBody: '{"externalUserId":"x-raw-2"}' },
    ],
    ['a millisecond timestamp', { headers: { 'X-App-Access-Ts': String(Date.now()) } }],
    ['a lower-case method in the signed string', { signedMethod: 'post' }],
    ['another app token', { headers: { 'X-App-Token': 'sbx:someone-else' } }],
    ['no signature', { headers: { 'X-App-Access-Sig': '' } }],
  ])('answers the documented 401 to %s', async (_name, change) => {
    const request = { method: 'POST' as const, path, body: '{"externalUserId":"x-raw-3"}', ...change };
    const reply = await sendRaw(sim.url, request);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({
      description: 'Request signature mismatch',
      code: 401,
      correlationId: expect.stringMatching(/^req-/) as string,
      errorCode: 4003,
      errorName: 'app-token-signature mismatch',
    });
  });
});

describe('injected faults', () => {
  it('maps a 500 to a retryable PartnerUnavailable with the correlation id', async () => {
    sim.setFaults({ errorRate: 1 });
    const error = await failureOf(sumsubClient(sim.url).getApplicantByExternalUserId('x-fault-1'));
    expect(error).toMatchObject({ type: 'PartnerUnavailable', retryable: true, context: { status: 500 } });
    expect(error.context?.correlationId).toMatch(/^req-/);
    expect(sim.log.find({ userId: 'x-fault-1' })).toEqual([
      expect.objectContaining({ fault: 'error', status: 500 }),
    ]);
  });

  it('maps a 429 to RateLimited, honouring Retry-After', async () => {
    sim.setFaults({ rateLimitRate: 1, retryAfterSeconds: 3 });
    const error = await failureOf(sumsubClient(sim.url).createWebSdkAccessToken('x-fault-2', LEVEL, 600));
    expect(error).toMatchObject({ type: 'RateLimited', retryable: true, retryAfterMs: 3000 });
  });

  it('maps a hanging call to a retryable PartnerUnavailable once the client times out', async () => {
    // The simulator holds the call far longer than the client's 200 ms, so only the client's timeout ends it.
    sim.setFaults({ timeoutRate: 1, hangMs: 5_000 });
    const error = await failureOf(sumsubClient(sim.url, { timeoutMs: 200 }).getApplicant('abc'));
    expect(error).toMatchObject({ type: 'PartnerUnavailable', retryable: true });
    expect(error.message).toMatch(/no usable response: (ECONNABORTED|ETIMEDOUT)/);
  });

  it('delays answers by latencyMs', async () => {
    sim.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await sumsubClient(sim.url).createWebSdkAccessToken('x-fault-3', LEVEL, 600);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('injects faults by rate, repeatably for a seed', async () => {
    const run = async () => {
      sim.setFaults({ errorRate: 0.5, seed: 7 });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        outcomes.push(
          await sumsubClient(sim.url)
            .createWebSdkAccessToken('x-fault-4', LEVEL, 600)
            .then(
              () => 'ok',
              (error: KycError) => error.type,
            ),
        );
      }
      return outcomes;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set(['ok', 'PartnerUnavailable']));
    expect(await run()).toEqual(first);
  });
});

describe('a misbehaving server', () => {
  const status = (body: unknown): ScriptedReply => ({ status: 200, body: JSON.stringify(body) });
  const valid = { reviewId: 'r', attemptId: 'a', attemptCnt: 1, levelName: LEVEL, createDate: 'd' };
  const cases: [string, ScriptedReply, Partial<KycError>][] = [
    ['a 403', { status: 403, body: '{}' }, { type: 'PartnerAuthFailed', retryable: false }],
    ['a 408', { status: 408 }, { type: 'PartnerUnavailable', retryable: true }],
    ['a 503', { status: 503, body: '{}' }, { type: 'PartnerUnavailable', retryable: true }],
    ['a 429 without Retry-After', { status: 429 }, { type: 'RateLimited', retryAfterMs: undefined }],
    [
      'an HTML page',
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html/>' },
      { type: 'ContractViolation' },
    ],
  ];

  it.each(cases)('classifies %s', async (_name, reply, expected) => {
    const server = await startScriptedServer(() => reply);
    try {
      expect(await failureOf(sumsubClient(server.url).getReview('a1'))).toMatchObject(expected);
    } finally {
      await server.close();
    }
  });

  it('names SumSub error codes and the correlation id of a refused request', async () => {
    const server = await startScriptedServer(() => ({
      status: 400,
      body: '{"description":"Invalid id","code":400,"correlationId":"corr-7","errorCode":1001,"errorName":"bad-id"}',
    }));
    try {
      const error = await failureOf(sumsubClient(server.url).getReview('a1'));
      expect(error.message).toBe(
        'request refused: 1001 bad-id (SumSub GET /resources/applicants/{applicantId}/status, HTTP 400, correlation id corr-7)',
      );
    } finally {
      await server.close();
    }
  });

  it.each([
    ['an undocumented reviewStatus', { ...valid, reviewStatus: 'escalated' }, 'reviewStatus', 'escalated'],
    ['a completed review without result', { ...valid, reviewStatus: 'completed' }, 'reviewResult', null],
    [
      'a completed review without a result',
      { ...valid, reviewStatus: 'completed', reviewResult: undefined },
      'reviewResult',
      null,
    ],
    ['a missing reviewId', { ...valid, reviewId: undefined, reviewStatus: 'init' }, 'reviewId', null],
  ])('refuses %s as a contract violation naming the field', async (_name, body, field, value) => {
    const server = await startScriptedServer(() => status(body));
    try {
      const error = await failureOf(sumsubClient(server.url).getReview('a1'));
      expect(error).toBeInstanceOf(ContractViolationError);
      expect((error as ContractViolationError).issues).toEqual([
        expect.stringMatching(new RegExp(`^${field}: `)),
      ]);
      if (value) expect(error.message).not.toContain(value);
    } finally {
      await server.close();
    }
  });

  it('refuses an applicant body without id', async () => {
    const server = await startScriptedServer(() => status({ externalUserId: 'u1' }));
    try {
      const error = await failureOf(sumsubClient(server.url).getApplicant('a1'));
      expect((error as ContractViolationError).issues).toEqual([expect.stringMatching(/^id: /)]);
    } finally {
      await server.close();
    }
  });
});
