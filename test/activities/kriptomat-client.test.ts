import { ApplicationFailure } from '@temporalio/common';
import { ContractViolationError, KycError, PartnerAuthError, UserNotFoundError } from '../../domain';
import { toApplicationFailure } from '../../activities/failures';
import { StaticTokenProvider } from '../../activities/kriptomat/auth';
import { KriptomatClient } from '../../activities/kriptomat/client';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedReply } from '../helpers/scripted-server';

/** The Kriptomat client against the simulator over real HTTP, and against misbehaving servers. */
const TOKEN = 'partner-secret-token-123';
let sim: RunningKriptomatSimulator;
let client: KriptomatClient;

beforeAll(async () => {
  sim = await startKriptomatSimulator({ accessToken: TOKEN });
  client = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider(TOKEN) });
});
afterAll(() => sim.close());

async function failureOf(promise: Promise<unknown>): Promise<KycError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof KycError)) throw new Error(`expected a KycError, got ${String(error)}`);
  return error;
}

describe('KriptomatClient against the simulator', () => {
  it.each([
    ['passed-1', { kycStatus: 'passed', eddStatus: 'not_reported' }],
    ['verified-1', { kycStatus: 'passed', eddStatus: 'not_required' }],
    ['pending-1', { kycStatus: 'pending', eddStatus: 'not_reported' }],
    ['not_started-1', { kycStatus: 'not_started', eddStatus: 'not_reported' }],
    ['edd_required-1', { kycStatus: 'passed', eddStatus: 'required' }],
  ])('reads the statuses of %s', async (userId, expected) => {
    expect(await client.readKycStatus(userId)).toEqual(expected);
  });

  it('returns only statuses from readKycStatus, and the profile only from getUser', async () => {
    const snapshot = await client.readKycStatus('passed-2');
    expect(Object.keys(snapshot).sort()).toEqual(['eddStatus', 'kycStatus']);
    expect(await client.getUser('passed-2')).toMatchObject({
      email: 'passed-2@sandbox.invalid',
      country: 'DEU',
    });
  });

  it('sends the bearer token and X-Requested-With on every call', async () => {
    await client.readKycStatus('passed-3');
    const seen = sim.requests.filter((request) => request.userId === 'passed-3');
    expect(seen).toEqual([
      expect.objectContaining({ authorized: true, requestedWith: 'XMLHttpRequest', status: 200 }),
    ]);
  });

  it('encodes the user id into the path', async () => {
    await failureOf(client.readKycStatus('a/../b'));
    expect(sim.requests.at(-1)?.path).toBe('/api/v1/partners/users/a%2F..%2Fb');
  });

  it('reports a refused token as a non-retryable auth failure that does not echo the token', async () => {
    const wrong = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider('stale-token-456') });
    const error = await failureOf(wrong.readKycStatus('passed-1'));
    expect(error).toBeInstanceOf(PartnerAuthError);
    expect(error).toMatchObject({ type: 'PartnerAuthFailed', retryable: false, context: { status: 401 } });
    expect(error.message).toContain('Kriptomat GET /api/v1/partners/users/{userId}');
    expect(error.message).not.toContain('stale-token-456');
  });

  it('reports an unknown user as UserNotFound', async () => {
    const error = await failureOf(client.readKycStatus('unknown-1'));
    expect(error).toBeInstanceOf(UserNotFoundError);
    expect(error.message).toContain('HTTP 404');
  });

  it('refuses an undocumented kyc_status as a contract violation naming the field, not a default', async () => {
    const error = await failureOf(client.readKycStatus('malformed-1'));
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).issues).toEqual([expect.stringMatching(/^data\.kyc_status: /)]);
    expect(error.message).not.toContain('under_review');
  });

  it('honours a configured path for the show-user endpoint', async () => {
    const moved = await startKriptomatSimulator({
      accessToken: TOKEN,
      paths: { showUser: '/v2/people/{userId}' },
    });
    try {
      const custom = new KriptomatClient({
        baseUrl: moved.url,
        auth: new StaticTokenProvider(TOKEN),
        paths: { showUser: '/v2/people/{userId}' },
      });
      expect((await custom.readKycStatus('declined-1')).kycStatus).toBe('declined');
    } finally {
      await moved.close();
    }
  });
});

describe('KriptomatClient against a misbehaving server', () => {
  const cases: [string, ScriptedReply, Partial<KycError>][] = [
    ['a 503', { status: 503, body: '{}' }, { type: 'PartnerUnavailable', retryable: true }],
    ['a 408', { status: 408 }, { type: 'PartnerUnavailable', retryable: true }],
    [
      'a 429 with Retry-After',
      { status: 429, headers: { 'retry-after': '7' } },
      { type: 'RateLimited', retryAfterMs: 7000 },
    ],
    ['a 429 without Retry-After', { status: 429 }, { type: 'RateLimited', retryAfterMs: undefined }],
    [
      'a 400 with an error code',
      { status: 400, body: '{"errorCode":10503,"errorName":"invalid-share-token","correlationId":"c-1"}' },
      { type: 'PartnerRejected', retryable: false },
    ],
    [
      'an HTML page with 200',
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' },
      { type: 'ContractViolation', retryable: false },
    ],
    ['an empty 200', { status: 200, body: '' }, { type: 'ContractViolation' }],
    ['status false', { status: 200, body: '{"status":false,"data":null}' }, { type: 'ContractViolation' }],
    ['silence past the timeout', 'hang', { type: 'PartnerUnavailable', retryable: true }],
  ];

  it.each(cases)('classifies %s', async (_name, reply, expected) => {
    const server = await startScriptedServer(() => reply);
    try {
      const flaky = new KriptomatClient({
        baseUrl: server.url,
        auth: new StaticTokenProvider(TOKEN),
        timeoutMs: 300,
      });
      expect(await failureOf(flaky.readKycStatus('passed-1'))).toMatchObject(expected);
    } finally {
      await server.close();
    }
  });

  it('names status, endpoint and correlation id in the message', async () => {
    const server = await startScriptedServer(() => ({
      status: 400,
      body: '{"errorCode":10503,"correlationId":"corr-9"}',
    }));
    try {
      const flaky = new KriptomatClient({ baseUrl: server.url, auth: new StaticTokenProvider(TOKEN) });
      const { message } = await failureOf(flaky.readKycStatus('passed-1'));
      expect(message).toBe(
        'request refused: 10503 (Kriptomat GET /api/v1/partners/users/{userId}, HTTP 400, correlation id corr-9)',
      );
    } finally {
      await server.close();
    }
  });

  it('treats a refused connection as retryable', async () => {
    const server = await startScriptedServer(() => 'hang');
    await server.close();
    const offline = new KriptomatClient({ baseUrl: server.url, auth: new StaticTokenProvider(TOKEN) });
    expect(await failureOf(offline.readKycStatus('passed-1'))).toMatchObject({
      type: 'PartnerUnavailable',
      retryable: true,
    });
  });
});

describe('toApplicationFailure', () => {
  it('carries type, retryability and Retry-After to Temporal', async () => {
    const server = await startScriptedServer(() => ({ status: 429, headers: { 'retry-after': '3' } }));
    try {
      const limited = new KriptomatClient({ baseUrl: server.url, auth: new StaticTokenProvider(TOKEN) });
      const failure = toApplicationFailure(await failureOf(limited.readKycStatus('passed-1')));
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 3000 });
    } finally {
      await server.close();
    }
  });

  it('marks contract violations non-retryable', async () => {
    const failure = toApplicationFailure(await failureOf(client.readKycStatus('malformed-2')));
    expect(failure).toMatchObject({ type: 'ContractViolation', nonRetryable: true });
  });

  it('leaves errors that are not KycErrors to default handling', () => {
    const bug = new TypeError('boom');
    expect(toApplicationFailure(bug)).toBe(bug);
  });
});
