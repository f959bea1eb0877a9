import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator } from '../../sandbox/sumsub/server';
import { sendRaw, SUMSUB_APP_TOKEN, SUMSUB_SECRET } from '../helpers/sumsub';

/** The SumSub simulator's answers, read raw (without the client), against docs/vendor-apis.md. */
const LEVEL = 'basic-kyc-level';
let sim: RunningSumsubSimulator;

beforeAll(async () => {
  sim = await startSumsubSimulator({
    appToken: SUMSUB_APP_TOKEN,
    secretKey: SUMSUB_SECRET,
    reviewDelayMs: 60_000,
  });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

const post = (path: string, body?: unknown) =>
  sendRaw(sim.url, { method: 'POST', path, body: body === undefined ? undefined : JSON.stringify(body) });
const get = (path: string) => sendRaw(sim.url, { method: 'GET', path });
const sumsubError = (code: number) => ({
  description: expect.any(String) as string,
  code,
  correlationId: expect.stringMatching(/^req-/) as string,
});

async function createApplicant(externalUserId: string, extra: object = {}): Promise<string> {
  const reply = await post(`/resources/applicants?levelName=${LEVEL}`, { externalUserId, ...extra });
  expect(reply.status).toBe(200);
  return (reply.body as { id: string }).id;
}

describe('applicants', () => {
  it('answers the status endpoint with every documented field, starting at init', async () => {
    const id = await createApplicant('not_started-status-1');
    const init = await get(`/resources/applicants/${id}/status`);
    expect(init).toMatchObject({ status: 200 });
    expect(init.body).toEqual({
      reviewId: expect.any(String) as string,
      attemptId: expect.any(String) as string,
      attemptCnt: 0,
      levelName: LEVEL,
      createDate: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000$/) as string,
      reviewStatus: 'init',
    });
    await post(`/resources/applicants/${id}/status/testCompleted`, {
      reviewAnswer: 'GREEN',
      rejectLabels: [],
    });
    expect((await get(`/resources/applicants/${id}/status`)).body).toMatchObject({
      reviewStatus: 'completed',
      reviewDate: expect.any(String) as string,
      reviewResult: { reviewAnswer: 'GREEN', rejectLabels: [] },
    });
  });

  it('never answers with the personal data it was given', async () => {
    const personal = { email: 'pii-mail@sandbox.invalid', phone: '+19998887766' };
    const fixedInfo = { firstName: 'Piifirst', lastName: 'Piilast', dob: '1977-07-07', country: 'AUT' };
    const id = await createApplicant('not_started-pii-1', { ...personal, fixedInfo });
    const answers = JSON.stringify([
      await get(`/resources/applicants/${id}/one`),
      await get('/resources/applicants/-;externalUserId=not_started-pii-1/one'),
      sim.applicants.list(),
      sim.log,
    ]);
    for (const value of [...Object.values(personal), ...Object.values(fixedInfo)]) {
      expect(answers).not.toContain(value);
    }
  });

  it('answers a second create with the documented 409 message', async () => {
    const id = await createApplicant('not_started-409-1');
    const again = await post(`/resources/applicants?levelName=${LEVEL}`, {
      externalUserId: 'not_started-409-1',
    });
    expect(again).toMatchObject({
      status: 409,
      body: {
        ...sumsubError(409),
        description: `Applicant with external user id 'not_started-409-1' already exists: ${id}`,
      },
    });
  });

  it.each([
    ['without levelName', '/resources/applicants', { externalUserId: 'not_started-bad-1' }, 'levelName'],
    [
      'without externalUserId',
      `/resources/applicants?levelName=${LEVEL}`,
      { email: 'a@b.c' },
      'externalUserId',
    ],
    [
      'with a two-letter country',
      `/resources/applicants?levelName=${LEVEL}`,
      { externalUserId: 'not_started-bad-2', fixedInfo: { country: 'DE' } },
      'fixedInfo.country',
    ],
  ])('refuses a create %s, naming the field', async (_name, path, body, field) => {
    const reply = await post(path, body);
    expect(reply).toMatchObject({ status: 400, body: sumsubError(400) });
    expect((reply.body as { description: string }).description).toContain(field);
  });

  it('answers 404 in SumSub error shape for an unknown applicant', async () => {
    expect(await get('/resources/applicants/-;externalUserId=nobody/one')).toMatchObject({
      status: 404,
      body: sumsubError(404),
    });
    expect(await get('/resources/applicants/nope/status')).toMatchObject({ status: 404 });
  });

  it('refuses a RED testCompleted that does not say whether the user may retry', async () => {
    const id = await createApplicant('not_started-tc-1');
    const reply = await post(`/resources/applicants/${id}/status/testCompleted`, { reviewAnswer: 'RED' });
    expect(reply).toMatchObject({ status: 400 });
    const fine = { reviewAnswer: 'RED', rejectLabels: ['FORGERY'], reviewRejectType: 'FINAL' };
    expect(await post(`/resources/applicants/${id}/status/testCompleted`, fine)).toMatchObject({
      status: 200,
      body: { ok: 1 },
    });
  });
});

describe('tokens', () => {
  it('mints WebSDK tokens with both variants, and only with ttlInSecs', async () => {
    const token = { token: expect.stringMatching(/^_act-/) as string, userId: 'u-sdk-1' };
    expect(
      await post(`/resources/accessTokens?userId=u-sdk-1&levelName=${LEVEL}&ttlInSecs=600`),
    ).toMatchObject({
      status: 200,
      body: token,
    });
    expect(
      await post('/resources/accessTokens/sdk', { userId: 'u-sdk-1', levelName: LEVEL, ttlInSecs: 600 }),
    ).toMatchObject({ status: 200, body: token });
    expect(await post(`/resources/accessTokens?userId=u-sdk-1&levelName=${LEVEL}`)).toMatchObject({
      status: 400,
    });
    expect(await post('/resources/accessTokens/sdk', { userId: 'u-sdk-1', levelName: LEVEL })).toMatchObject({
      status: 400,
      body: sumsubError(400),
    });
  });

  it('refuses share tokens for unknown and unapproved applicants', async () => {
    const id = await createApplicant('not_started-share-1');
    const path = (applicantId: string) =>
      `/resources/accessTokens/-/shareToken?applicantId=${applicantId}&forClientId=kriptomat&ttlInSecs=60`;
    expect(await post(path(id))).toMatchObject({ status: 400, body: sumsubError(400) });
    expect(await post(path('unknown'))).toMatchObject({ status: 404 });
    expect(await post('/resources/accessTokens/shareToken', { applicantId: id })).toMatchObject({
      status: 400,
    });
    expect(sim.log.shareTokensMinted.get('not_started-share-1')).toBeUndefined();
  });

  it('gives share tokens a 1200 s lifetime by default', async () => {
    let now = Date.now();
    const timed = await startSumsubSimulator({
      appToken: SUMSUB_APP_TOKEN,
      secretKey: SUMSUB_SECRET,
      now: () => now,
    });
    try {
      const send = (path: string, body?: object) =>
        sendRaw(timed.url, { method: 'POST', path, body: body && JSON.stringify(body), nowMs: now });
      const created = await send(`/resources/applicants?levelName=${LEVEL}`, {
        externalUserId: 'not_started-ttl-1',
      });
      const { id } = created.body as { id: string };
      await send(`/resources/applicants/${id}/status/testCompleted`, { reviewAnswer: 'GREEN' });
      const mint = async () =>
        (
          (await send('/resources/accessTokens/shareToken', { applicantId: id, forClientId: 'k' })).body as {
            token: string;
          }
        ).token;
      const [first, second] = [await mint(), await mint()];
      const request = { forClientId: 'k', userId: 'not_started-ttl-1' };
      now += 1_199_000;
      expect(timed.ledger.redeem(first, request).ok).toBe(true);
      now += 1_000;
      expect(timed.ledger.redeem(second, request)).toMatchObject({ ok: false, status: 401 });
    } finally {
      await timed.close();
    }
  });
});

describe('the sandbox routes and the request log', () => {
  it('replaces fault settings unsigned, and never faults its own routes', async () => {
    const put = (body: unknown) =>
      fetch(`${sim.url}/_sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const replaced = await put({ errorRate: 1 });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ errorRate: 1, rateLimitRate: 0, latencyMs: 0 });
    expect(await post(`/resources/accessTokens?userId=u1&levelName=${LEVEL}&ttlInSecs=60`)).toMatchObject({
      status: 500,
      body: sumsubError(500),
    });
    expect((await put({ errorRate: 2 })).status).toBe(400);
    expect((await put({ rateLimitRate: 0.5 }).then((response) => response.json())) as object).toMatchObject({
      errorRate: 0,
      rateLimitRate: 0.5,
    });
  });

  it('logs each request with its endpoint, user, status and whether it was signed correctly', async () => {
    const id = await createApplicant('not_started-log-1');
    await get(`/resources/applicants/${id}/status`);
    await get(`/resources/applicants/${id}/one`);
    await sendRaw(sim.url, { method: 'GET', path: `/resources/applicants/${id}/one`, signedBody: 'x' });
    await get('/resources/applicants/-;externalUserId=not_started-log-1/one');
    expect(
      sim.log
        .find({ userId: 'not_started-log-1' })
        .map((r) => [r.service, r.method, r.endpoint, r.status, r.authorized, r.fault]),
    ).toEqual([
      ['sumsub', 'POST', 'createApplicant', 200, true, null],
      ['sumsub', 'GET', 'applicantStatus', 200, true, null],
      ['sumsub', 'GET', 'applicant', 200, true, null],
      ['sumsub', 'GET', 'applicant', 401, false, null],
      ['sumsub', 'GET', 'applicantByExternalId', 200, true, null],
    ]);
    expect(sim.log.find({ userId: 'not_started-log-1', endpoint: 'applicantStatus' })[0]?.path).toBe(
      `/resources/applicants/${id}/status`,
    );
  });

  it('answers unknown resources 404 in SumSub error shape, after checking the signature', async () => {
    expect(await get('/resources/nothing-here')).toMatchObject({ status: 404, body: sumsubError(404) });
    const unsigned = await fetch(`${sim.url}/resources/nothing-here`);
    expect(unsigned.status).toBe(401);
  });
});
