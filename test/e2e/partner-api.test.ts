import { formatCreatedAtMs, signWebhookBody } from '../../vendors/sumsub/webhook';
import type { KycCaseState } from '../../domain';
import { kycWorkflowId } from '../../domain';
import type { ApiAnswer, ApiEngine } from '../helpers/api-engine';
import { startApiEngine } from '../helpers/api-engine';
import { decryptedHistoryText } from '../helpers/history';
import { eventually } from '../helpers/temporal';

/**
 * What a partner's backend relies on, proved over HTTP only against the system as deployed (the real API
 * process wiring, the real worker on a dev server, both simulators): signups answered 202 and decided as the
 * user's story says, repeated signups joining one case, cancel, listing, the WebSDK token kept out of history,
 * and SumSub webhooks taken only when signed, a redelivery not signalled twice.
 */
let engine: ApiEngine;
beforeAll(async () => {
  engine = await startApiEngine('partner-api');
});
afterAll(async () => engine?.stop());

type CaseView = KycCaseState & { workflowStatus: string };
let count = 0;
const userOf = (scenario: string) => `${scenario}-${Date.now()}-${++count}`;

const readCase = (userId: string) => engine.api<CaseView>('GET', `/v1/cases/${userId}`);

/** Polls `GET /v1/cases/{id}` until the case satisfies `done`. */
const caseWhen = (userId: string, done: (state: CaseView) => boolean) =>
  eventually(async () => {
    const { status, body } = await readCase(userId);
    return status === 200 && done(body) ? body : undefined;
  });

/** The partner's signup call, then the case as GET reports it once decided. */
async function signUp(userId: string) {
  const started = await engine.api('PUT', `/v1/cases/${userId}`);
  return { started, decided: await caseWhen(userId, (state) => state.outcome !== null) };
}

/** A SumSub webhook as SumSub posts it: raw bytes and their digest. */
const postWebhook = (raw: string, digest: string): Promise<ApiAnswer<unknown>> =>
  fetch(`${engine.apiUrl}/webhooks/sumsub`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-payload-digest': digest,
      'x-payload-digest-alg': 'HMAC_SHA256_HEX',
    },
    body: raw,
  }).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    body: await response.json(),
  }));

/** A case waiting in `awaiting_user` for a user who never finishes the WebSDK alone, its SumSub applicant known. */
async function caseAwaitingUser(): Promise<CaseView> {
  const userId = userOf('not_started');
  expect((await engine.api('PUT', `/v1/cases/${userId}`)).status).toBe(202);
  const waiting = await caseWhen(userId, (state) => state.phase === 'awaiting_user');
  // SumSub's applicantCreated webhook is acknowledged, not signalled (it says nothing about the review): once
  // it was answered, no delivery from SumSub is still under way.
  await eventually(() =>
    engine.sandbox.log.webhooks.some(
      (hook) => hook.userId === userId && hook.type === 'applicantCreated' && hook.status !== null,
    )
      ? true
      : undefined,
  );
  return waiting;
}

describe('signing users up: PUT /v1/cases/{id}, then GET until the case is decided', () => {
  const STORIES = [
    ['passed', 'approved'],
    ['onboard', 'approved'],
    ['onboard_declined', 'rejected'],
    ['declined', 'rejected'],
    ['sumsub_rejected', 'rejected'],
  ] as const;
  const signups = new Map<string, { userId: string; result: ReturnType<typeof signUp> }>();
  beforeAll(() => {
    // All at once: each story takes seconds of simulated waiting, none of it on the others.
    for (const [scenario] of STORIES) {
      const userId = userOf(scenario);
      const result = signUp(userId);
      result.catch(() => undefined); // reported by its own test, not as an unhandled rejection
      signups.set(scenario, { userId, result });
    }
  });

  it.each(STORIES)('%s user: answered 202 with Location, then decided %s', async (scenario, outcome) => {
    const { userId, result } = signups.get(scenario)!;
    const { started, decided } = await result;

    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/v1/cases/${userId}`);
    expect(started.body).toEqual({ userId, workflowId: kycWorkflowId(userId) });
    expect(decided).toMatchObject({ userId, outcome, phase: outcome });
  });

  it("an onboarding user's SumSub review reaches the case through the signed webhooks", async () => {
    const { userId, result } = signups.get('onboard')!;
    const { decided } = await result;

    expect(decided.sumsubEvents).toBeGreaterThanOrEqual(1);
    expect(decided.review).toMatchObject({ reviewStatus: 'completed', reviewAnswer: 'GREEN' });
    const reviewed = engine.sandbox.log.webhooks.filter(
      (w) => w.userId === userId && w.type === 'applicantReviewed',
    );
    expect(reviewed.map((w) => w.status)).toEqual([200]);
    expect(engine.sandbox.log.importsOf(userId)).toBe(1);
  });

  it('GET /v1/cases?phase=approved lists the approved users', async () => {
    const approved = STORIES.filter(([, outcome]) => outcome === 'approved').map(
      ([s]) => signups.get(s)!.userId,
    );
    await Promise.all([...signups.values()].map(({ result }) => result));

    const listed = await eventually(async () => {
      const { status, body } = await engine.api<{ cases: { userId: string; phase: string }[] }>(
        'GET',
        '/v1/cases?phase=approved',
      );
      const ours = body.cases.filter((c) => approved.includes(c.userId));
      return status === 200 && ours.length === approved.length ? body.cases : undefined;
    });
    expect(listed.every((c) => c.phase === 'approved')).toBe(true);
    expect(listed.map((c) => c.userId)).not.toContain(signups.get('declined')!.userId);
  });
});

describe('a signup flow that calls more than once', () => {
  it('joins the one running case, which POST .../cancel then ends cancelled', async () => {
    const userId = userOf('pending_forever');
    const path = `/v1/cases/${userId}`;
    const racing = await Promise.all([engine.api('PUT', path), engine.api('PUT', path)]);
    await caseWhen(userId, (state) => state.phase === 'awaiting_kriptomat');
    const later = await engine.api('PUT', path);

    for (const answer of [...racing, later]) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ userId, workflowId: kycWorkflowId(userId) });
    }
    const query = `WorkflowId = '${kycWorkflowId(userId)}'`;
    await eventually(async () => ((await engine.client.workflow.count(query)).count > 0 ? true : undefined));
    expect((await engine.client.workflow.count(query)).count).toBe(1);

    const reason = 'partner closed the signup';
    const cancel = await engine.api('POST', `${path}/cancel`, { reason });
    expect(cancel).toMatchObject({ status: 202, body: { userId, result: 'cancel_requested' } });
    const ended = await caseWhen(userId, (state) => state.outcome !== null);
    expect(ended).toMatchObject({ outcome: 'cancelled', cancelReason: reason, runs: 1 });
  });
});

describe('SumSub webhooks at /webhooks/sumsub', () => {
  it('refuses a wrong signature with 401 and takes the signed body once, a redelivery not signalled again', async () => {
    const waiting = await caseAwaitingUser();
    const { userId } = waiting;
    const raw = JSON.stringify({
      type: 'applicantPending',
      applicantId: waiting.review?.applicantId,
      externalUserId: userId,
      levelName: 'basic-kyc-level',
      sandboxMode: true,
      reviewStatus: 'pending',
      createdAtMs: formatCreatedAtMs(new Date()),
    });

    const forged = await postWebhook(raw, signWebhookBody(raw, 'HMAC_SHA256_HEX', 'not-the-secret'));
    expect(forged.status).toBe(401);
    const afterForged = (await readCase(userId)).body;
    expect(afterForged.sumsubEvents).toBe(waiting.sumsubEvents);
    expect(afterForged.review).toEqual(waiting.review);

    const digest = signWebhookBody(raw, 'HMAC_SHA256_HEX', engine.webhookSecret);
    expect(await postWebhook(raw, digest)).toMatchObject({
      status: 200,
      body: { result: 'signalled', userId },
    });
    // The webhook only wakes the case: it reads the review from SumSub, and what SumSub says is what counts.
    const taken = await caseWhen(
      userId,
      (state) => state.sumsubEvents === waiting.sumsubEvents + 1 && state.sumsubChecks > waiting.sumsubChecks,
    );
    expect(taken.review).toMatchObject({ reviewStatus: waiting.review?.reviewStatus, reviewAnswer: null });

    // SumSub redelivers the same bytes: accepted (so it stops), and not signalled a second time. The recheck
    // is an update, delivered after any signal sent before it, so its answer would count a second signal.
    expect(await postWebhook(raw, digest)).toMatchObject({
      status: 200,
      body: { result: 'duplicate', userId },
    });
    const redelivered = await engine.api<CaseView>('POST', `/v1/cases/${userId}/recheck`);
    expect(redelivered.body.sumsubEvents).toBe(waiting.sumsubEvents + 1);
    expect(redelivered.body.phase).toBe('awaiting_user');

    expect((await engine.api('POST', `/v1/cases/${userId}/cancel`, { reason: 'test cleanup' })).status).toBe(
      202,
    );
  });
});

describe("the user's SumSub WebSDK in the partner's app", () => {
  it('POST .../sumsub-access-token mints a token that never enters the case history or the logs', async () => {
    const { userId } = await caseAwaitingUser();

    const minted = await engine.api<{ userId: string; token: string; expiresInSecs: number }>(
      'POST',
      `/v1/cases/${userId}/sumsub-access-token`,
    );
    expect(minted.status).toBe(200);
    expect(minted.headers.get('cache-control')).toBe('no-store');
    expect(minted.body.userId).toBe(userId);
    expect(minted.body.token).toMatch(/^_act-/);
    const tokenCalls = engine.sandbox.log.find({ service: 'sumsub', endpoint: 'accessToken', userId });
    expect(tokenCalls.map((call) => [call.status, call.authorized])).toEqual([[200, true]]);

    await engine.api('POST', `/v1/cases/${userId}/cancel`, { reason: 'test cleanup' });
    await caseWhen(userId, (state) => state.outcome === 'cancelled');
    const history = await decryptedHistoryText(engine.client.workflow.getHandle(kycWorkflowId(userId)));
    expect(history).toContain(`"userId":"${userId}"`); // the payloads were decrypted: the check can see them
    expect(history).not.toContain(minted.body.token);
    expect(engine.logs()).not.toContain(minted.body.token);

    // An ended case needs no verification: no token for it.
    await engine.client.workflow.getHandle(kycWorkflowId(userId)).result();
    const late = await engine.api('POST', `/v1/cases/${userId}/sumsub-access-token`);
    expect(late.status).toBe(409);
  });
});

describe('what the API refuses', () => {
  it('answers 404 for a user without a case', async () => {
    const unknown = await readCase(userOf('never-signed-up'));
    expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('answers 401 without the bearer token, or with a wrong one', async () => {
    const bare = await fetch(`${engine.apiUrl}/v1/cases`);
    expect({ status: bare.status, body: await bare.json() }).toEqual({
      status: 401,
      body: { error: 'unauthorized' },
    });
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const wrong = await fetch(`${engine.apiUrl}/v1/cases`, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(wrong.status).toBe(401);
    await wrong.body?.cancel();
    expect(engine.logs()).not.toContain(engine.apiToken);
  });
});
