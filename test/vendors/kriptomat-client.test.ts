import type http from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { ContractViolationError, VendorAuthError, UserNotFoundError } from '../../domain';
import type { KriptomatKycSnapshot, KycError } from '../../domain';
import { toApplicationFailure } from '../../activities/failures';
import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { SANDBOX_SCENARIOS } from '../../sandbox/scenarios';
import type { SandboxScenarioName } from '../../sandbox/scenarios';
import { startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedReply } from '../helpers/scripted-server';
import { failureOf } from '../helpers/rejections';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/** The Kriptomat client against the simulator over real HTTP, and against misbehaving servers. */
const TOKEN = 'partner-secret-token-123';
let sim: RunningKriptomatSimulator;
let client: KriptomatClient;

beforeAll(async () => {
  sim = await startKriptomatSimulator({ accessToken: TOKEN });
  client = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider(TOKEN) });
});
afterAll(() => sim.close());

/** What a first read of each scenario's user must give; a new scenario must be added here too. */
const FIRST_READ: Record<SandboxScenarioName, KriptomatKycSnapshot | 'ContractViolation' | 'UserNotFound'> = {
  passed: { kycStatus: 'passed', eddStatus: 'not_reported' },
  verified: { kycStatus: 'passed', eddStatus: 'not_required' },
  edd_required: { kycStatus: 'passed', eddStatus: 'required' },
  pending: { kycStatus: 'pending', eddStatus: 'not_reported' },
  pending_forever: { kycStatus: 'pending', eddStatus: 'not_reported' },
  failed: { kycStatus: 'failed', eddStatus: 'not_reported' },
  declined: { kycStatus: 'declined', eddStatus: 'not_reported' },
  onboard: { kycStatus: 'not_started', eddStatus: 'not_reported' },
  onboard_declined: { kycStatus: 'not_started', eddStatus: 'not_reported' },
  resubmit: { kycStatus: 'not_started', eddStatus: 'not_reported' },
  sumsub_rejected: { kycStatus: 'not_started', eddStatus: 'not_reported' },
  not_started: { kycStatus: 'not_started', eddStatus: 'not_reported' },
  malformed: 'ContractViolation',
  unknown: 'UserNotFound',
};

describe('KriptomatClient against the simulator', () => {
  it('knows every scenario of the table', () => {
    expect(Object.keys(FIRST_READ).sort()).toEqual(Object.keys(SANDBOX_SCENARIOS).sort());
  });

  it.each(Object.entries(FIRST_READ))('reads the first statuses of %s users', async (scenario, expected) => {
    const read = client.readKycStatus(`${scenario}-1`);
    if (typeof expected === 'string') expect(await failureOf(read)).toMatchObject({ type: expected });
    else expect(await read).toEqual(expected);
  });

  it('reads a missing edd_status as not reported', async () => {
    const server = await startScriptedServer(() => ({
      status: 200,
      body: JSON.stringify({ status: true, data: { kyc_status: 'verified' } }),
    }));
    try {
      const bare = new KriptomatClient({ baseUrl: server.url, auth: new StaticTokenProvider(TOKEN) });
      expect(await bare.readKycStatus('passed-1')).toEqual({
        kycStatus: 'passed',
        eddStatus: 'not_reported',
      });
    } finally {
      await server.close();
    }
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
    const seen: http.IncomingHttpHeaders[] = [];
    const server = await startScriptedServer((req) => {
      seen.push(req.headers);
      return req.method === 'GET'
        ? { status: 200, body: '{"status":true,"data":{"kyc_status":"passed","edd_status":""}}' }
        : { status: 200, body: '{"status":true}' };
    });
    try {
      const recording = new KriptomatClient({ baseUrl: server.url, auth: new StaticTokenProvider(TOKEN) });
      await recording.readKycStatus('passed-3');
      await recording.importKyc('onboard-3', 'share-token');
      expect(seen).toHaveLength(2);
      for (const headers of seen) {
        expect(headers).toMatchObject({
          authorization: `Bearer ${TOKEN}`,
          'x-requested-with': 'XMLHttpRequest',
        });
      }
    } finally {
      await server.close();
    }
    await client.readKycStatus('passed-3');
    expect(sim.log.find({ userId: 'passed-3' })).toEqual([
      expect.objectContaining({ endpoint: 'showUser', authorized: true, status: 200 }),
    ]);
  });

  it('encodes the user id into the path', async () => {
    await failureOf(client.readKycStatus('a/../b'));
    expect(sim.log.requests.at(-1)?.path).toBe('/api/v1/partners/users/a%2F..%2Fb');
  });

  it('reports a refused token as a non-retryable auth failure that does not echo the token', async () => {
    const wrong = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider('stale-token-456') });
    const error = await failureOf(wrong.readKycStatus('passed-1'));
    expect(error).toBeInstanceOf(VendorAuthError);
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
