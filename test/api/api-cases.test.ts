import type { ApprovedUserWatchInput } from '../../domain';
import { kycWorkflowId, watchWorkflowId } from '../../domain';
import { eventually } from '../helpers/temporal';
import type { ApiEnv } from './api-harness';
import { startApiEnv } from './api-harness';

/**
 * The partner's view of `/v1/cases`: injected requests (no port) against the real case workflow on a dev
 * server, through a client that encrypts payloads like the API process's.
 */
let api: ApiEnv;

beforeAll(async () => {
  api = await startApiEnv('api-cases');
});
afterAll(async () => api?.stop());

/** A fresh user the fake Kriptomat reports with `status`. */
function userWith(
  status: 'passed' | 'failed' | 'declined' | 'pending' | 'not_started',
  kind: string = status,
): string {
  const userId = api.t.userOf(kind);
  api.t.partners.user(userId, status);
  return userId;
}

/** A case waiting on Kriptomat's decision, whose next scheduled read is an hour away. */
async function waitingOnKriptomat(): Promise<string> {
  const userId = userWith('pending');
  expect((await api.call('PUT', `/v1/cases/${userId}`)).status).toBe(202);
  await api.until(userId, (view) => view.phase === 'awaiting_kriptomat');
  return userId;
}

describe('PUT /v1/cases/{userId}', () => {
  it('starts the case once, however often it is called, and points at it', async () => {
    const userId = userWith('pending');

    const first = await api.call('PUT', `/v1/cases/${userId}`);
    const second = await api.call('PUT', `/v1/cases/${userId}`);

    for (const response of [first, second]) {
      expect(response.status).toBe(202);
      expect(response.headers.get('location')).toBe(`/v1/cases/${userId}`);
      expect(response.body).toEqual({ userId, workflowId: kycWorkflowId(userId) });
    }
    const query = `WorkflowId = '${kycWorkflowId(userId)}'`;
    await eventually(async () => ((await api.client.workflow.count(query)).count > 0 ? true : undefined));
    expect((await api.client.workflow.count(query)).count).toBe(1);
  });

  it('answers 400 naming userId for an id that cannot name a case', async () => {
    const response = await api.call('PUT', '/v1/cases/not%20an%20id');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'invalid_request',
      issues: [{ path: 'params.userId', message: expect.any(String) as string }],
    });
  });
});

describe('GET /v1/cases/{userId}', () => {
  it.each([
    ['passed', 'approved'],
    ['failed', 'rejected'],
    ['declined', 'rejected'],
  ] as const)('follows a user Kriptomat reports %s to %s', async (status, outcome) => {
    const userId = userWith(status);
    await api.call('PUT', `/v1/cases/${userId}`);

    const view = await api.until(userId, (v) => v.workflowStatus === 'COMPLETED');

    expect(view).toMatchObject({ userId, phase: outcome, outcome, kycStatus: status, caseHistory: 'held' });
  });

  it('answers the live state of a running case', async () => {
    const userId = await waitingOnKriptomat();
    const { status, body } = await api.call('GET', `/v1/cases/${userId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      workflowStatus: 'RUNNING',
      phase: 'awaiting_kriptomat',
      kycStatus: 'pending',
    });
  });

  it('answers 404 for a user with neither a case nor a watch', async () => {
    const { status, body } = await api.call('GET', '/v1/cases/never-onboarded-1');
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'not_found', message: 'no KYC case for user never-onboarded-1' });
  });

  it("answers the watch, marked, once Temporal no longer holds the approved user's case", async () => {
    const userId = userWith('passed');
    const approvedAt = '2026-06-01T10:00:00.000Z';
    // What the retention leaves: the watch the approved case started, and no case execution. Started directly
    // rather than by deleting an approved case, which takes the dev server about half a minute.
    const input: ApprovedUserWatchInput = {
      userId,
      approved: { kycStatus: 'passed', eddStatus: 'not_reported', at: approvedAt },
    };
    const watch = await api.client.workflow.start('approvedUserWatch', {
      workflowId: watchWorkflowId(userId),
      taskQueue: api.t.taskQueue,
      args: [input],
    });

    const { status, body } = await api.call('GET', `/v1/cases/${userId}`);

    expect(status).toBe(200);
    expect(body).toEqual({
      userId,
      caseHistory: 'expired',
      watch: {
        workflowStatus: 'RUNNING',
        state: expect.objectContaining({
          userId,
          phase: 'watching',
          approvedAt,
          kycStatus: 'passed',
          changes: [],
          changeCount: 0,
        }) as unknown,
      },
    });
    await watch.cancel();
  });
});

describe('GET /v1/cases', () => {
  it('lists cases by outcome', async () => {
    const userId = userWith('passed', 'listed');
    await api.call('PUT', `/v1/cases/${userId}`);
    await api.until(userId, (v) => v.workflowStatus === 'COMPLETED');

    // Visibility follows the workflow a moment later: the outcome is set before the partner is notified
    // and the workflow completes.
    const listed = await eventually(async () => {
      const { body } = await api.call('GET', '/v1/cases?outcome=approved&limit=1000');
      const cases = body.cases as { userId: string; workflowStatus: string }[];
      return cases.find((summary) => summary.userId === userId && summary.workflowStatus === 'COMPLETED');
    });
    expect(listed).toMatchObject({ outcome: 'approved', phase: 'approved', kycStatus: 'passed' });
    const { body } = await api.call('GET', '/v1/cases?phase=awaiting_kriptomat');
    expect((body.cases as { userId: string }[]).map((summary) => summary.userId)).not.toContain(userId);
  });

  it.each([
    ['phase=bogus', 'query.phase'],
    ['outcome=maybe', 'query.outcome'],
    ['limit=0', 'query.limit'],
    ['limit=1001', 'query.limit'],
    ['limit=ten', 'query.limit'],
  ])('answers 400 naming the field for %s', async (query, path) => {
    const { status, body } = await api.call('GET', `/v1/cases?${query}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request', issues: [{ path }] });
  });
});

describe('POST /v1/cases/{userId}/recheck', () => {
  it('looks now and answers the fresh state, then 409 once the case has ended', async () => {
    const userId = await waitingOnKriptomat();
    api.t.partners.user(userId, 'passed');

    const { status, body } = await api.call('POST', `/v1/cases/${userId}/recheck`);

    expect(status).toBe(200);
    expect(body).toMatchObject({ userId, kycStatus: 'passed', kriptomatChecks: 2 });
    await api.until(userId, (v) => v.workflowStatus === 'COMPLETED' && v.outcome === 'approved');
    const again = await api.call('POST', `/v1/cases/${userId}/recheck`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'case_closed' });
  });

  it('answers 404 for a user without a case', async () => {
    expect((await api.call('POST', '/v1/cases/never-onboarded-2/recheck')).status).toBe(404);
  });
});

describe('POST /v1/cases/{userId}/cancel', () => {
  it('ends the case as cancelled, with the reason', async () => {
    const userId = await waitingOnKriptomat();

    const response = await api.call('POST', `/v1/cases/${userId}/cancel`, {
      body: { reason: 'duplicate signup' },
    });

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ userId, result: 'cancel_requested' });
    const view = await api.until(userId, (v) => v.workflowStatus === 'COMPLETED');
    expect(view).toMatchObject({
      phase: 'cancelled',
      outcome: 'cancelled',
      cancelReason: 'duplicate signup',
    });
    expect((await api.call('POST', `/v1/cases/${userId}/cancel`, { body: { reason: 'again' } })).status).toBe(
      409,
    );
  });

  it.each([
    ['no reason', {}],
    ['an empty reason', { reason: ' ' }],
    ['a reason of 501 characters', { reason: 'x'.repeat(501) }],
    ['a reason that is not text', { reason: 42 }],
  ])('answers 400 naming body.reason for %s', async (_, body) => {
    const response = await api.call('POST', '/v1/cases/anyone-1/cancel', { body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', issues: [{ path: 'body.reason' }] });
  });

  it('answers 404 for a user without a case', async () => {
    const response = await api.call('POST', '/v1/cases/never-onboarded-3/cancel', {
      body: { reason: 'test' },
    });
    expect(response.status).toBe(404);
  });
});

describe('POST /v1/cases/{userId}/retry', () => {
  it('resumes a case parked in needs_attention', async () => {
    const userId = userWith('passed', 'parked');
    api.t.partners.fail('readKycStatus', userId, 'contract');
    await api.call('PUT', `/v1/cases/${userId}`);
    await api.until(userId, (v) => v.phase === 'needs_attention');
    api.t.partners.heal('readKycStatus', userId);

    const response = await api.call('POST', `/v1/cases/${userId}/retry`);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ userId, result: 'retry_requested' });
    await api.until(userId, (v) => v.outcome === 'approved');
  });

  it('answers 404 for a user without a case', async () => {
    expect((await api.call('POST', '/v1/cases/never-onboarded-4/retry')).status).toBe(404);
  });
});

describe('the bearer token', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong token', 'not-the-token-at-all-000'],
    ['the token with one more character', 'api-token-under-test-DO-NOT-LEAK-1x'],
    ['an empty token', ''],
  ])('refuses %s with 401 on every /v1 route', async (_, token) => {
    for (const [method, path] of [
      ['GET', '/v1/cases'],
      ['PUT', '/v1/cases/u-1'],
      ['GET', '/v1/cases/u-1'],
      ['POST', '/v1/cases/u-1/recheck'],
      ['POST', '/v1/cases/u-1/sumsub-access-token'],
    ] as const) {
      const response = await api.call(method, path, { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.body).toEqual({ error: 'unauthorized' });
    }
  });

  it('refuses another scheme', async () => {
    const basic = `Basic ${Buffer.from(`kyc:${'api-token-under-test-DO-NOT-LEAK-1'}`).toString('base64')}`;
    const response = await api.call('GET', '/v1/cases', { token: null, headers: { authorization: basic } });
    expect(response.status).toBe(401);
  });
});
