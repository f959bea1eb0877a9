import { KriptomatClient } from '../../vendors/kriptomat/client';
import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { MAX_VENDOR_BODY_BYTES } from '../../vendors/http/limits';
import { ContractViolationError, KycError } from '../../domain';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { CORRUPTION_MARKERS } from '../../sandbox/shared/corruptions';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator } from '../../sandbox/sumsub/server';
import { STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { sumsubClient, SUMSUB_APP_TOKEN, SUMSUB_SECRET } from '../helpers/sumsub';

/**
 * The simulators' corruption rules over real HTTP: a rule rewrites the answer of one endpoint (for the users
 * it names), and the engine's clients report each rewritten answer as the contract error it is, naming the
 * field or the kind of body, never a value from it.
 */
let kriptomat: RunningKriptomatSimulator;
let sumsub: RunningSumsubSimulator;
let client: KriptomatClient;

beforeAll(async () => {
  kriptomat = await startKriptomatSimulator({ accessToken: STATIC_TOKEN });
  sumsub = await startSumsubSimulator({ appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET });
  client = new KriptomatClient({ baseUrl: kriptomat.url, auth: new StaticTokenProvider(STATIC_TOKEN) });
});
afterAll(async () => {
  await kriptomat?.close();
  await sumsub?.close();
});
afterEach(() => {
  kriptomat.setCorruptions([]);
  sumsub.setCorruptions([]);
});

const showUser = (userId: string) =>
  fetch(`${kriptomat.url}/api/v1/partners/users/${userId}`, {
    headers: { authorization: `Bearer ${STATIC_TOKEN}` },
  });
const putCorruptions = (url: string, body: unknown) =>
  fetch(`${url}/_sandbox/corruptions`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** The engine error a client call ends in. */
async function failureOf(call: Promise<unknown>): Promise<KycError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof KycError)) throw new Error(`expected a KycError, got ${String(error)}`);
  return error;
}

describe('PUT /_sandbox/corruptions', () => {
  it.each([
    ['an unknown kind', [{ endpoint: 'showUser', kind: 'cosmic_rays' }], 'kind'],
    ['an unknown endpoint', [{ endpoint: 'deleteUser', kind: 'json_null' }], 'endpoint'],
    [
      'a field that is no dot path',
      [{ endpoint: 'showUser', kind: 'missing_field', field: 'a..b' }],
      'field',
    ],
    ['an unknown setting', [{ endpoint: 'showUser', kind: 'json_null', rate: 1 }], 'rate'],
    ['no list', { endpoint: 'showUser', kind: 'json_null' }, 'array'],
  ])('refuses %s with 400 naming it, on both simulators', async (_, body, named) => {
    for (const url of [kriptomat.url, sumsub.url]) {
      const response = await putCorruptions(url, body);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(named);
    }
  });

  it('replaces the rules, which GET shows, and rewrites only the named users’ answers', async () => {
    const rules = [{ endpoint: 'showUser', kind: 'missing_field', userIds: ['passed-c1'] }];
    expect(await (await putCorruptions(kriptomat.url, rules)).json()).toEqual(rules);
    expect(await (await fetch(`${kriptomat.url}/_sandbox/corruptions`)).json()).toEqual(rules);

    const corrupted = (await (await showUser('passed-c1')).json()) as { data: Record<string, unknown> };
    const intact = (await (await showUser('passed-c2')).json()) as { data: Record<string, unknown> };
    expect(corrupted.data).not.toHaveProperty('kyc_status');
    expect(corrupted.data).toHaveProperty('email');
    expect(intact.data.kyc_status).toBe('passed');
    expect(kriptomat.log.find({ endpoint: 'showUser', userId: 'passed-c1' })[0]).toMatchObject({
      status: 200,
      corruption: 'missing_field',
    });
  });
});

describe('what the engine’s clients make of corrupted answers', () => {
  it.each([
    ['missing_field', /data\.kyc_status: Invalid option: .* \(missing\)/],
    ['wrong_type', /data\.kyc_status: Invalid option: .* \(received number\)/],
    ['unknown_enum', /data\.kyc_status: Invalid option: .* \(received string\)/],
    ['html_200', /\(body\): an HTML page, not JSON/],
    ['empty_body', /\(body\): empty, expected a JSON object/],
    ['truncated_json', /\(body\): malformed or truncated JSON/],
    ['json_null', /\(body\): .*received null/],
    ['json_array', /\(body\): .*received array/],
    ['oversized_body', new RegExp(`\\(body\\): larger than the ${MAX_VENDOR_BODY_BYTES} bytes accepted`)],
  ] as const)('Kriptomat show user, %s: a contract violation naming it', async (kind, named) => {
    const userId = `passed-${kind}`;
    kriptomat.setCorruptions([{ endpoint: 'showUser', kind, userIds: [userId] }]);

    const error = await failureOf(client.readKycStatus(userId));

    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error.message).toMatch(named);
    expect(error.message).toContain('Kriptomat GET /api/v1/partners/users/{userId}, HTTP 200');
    for (const value of [...Object.values(CORRUPTION_MARKERS), `${userId}@sandbox.invalid`, 'Sandy']) {
      expect(error.message).not.toContain(String(value));
    }
  });

  it('Kriptomat show user, extra_field: tolerated, the documented fields still read', async () => {
    kriptomat.setCorruptions([{ endpoint: 'showUser', kind: 'extra_field', userIds: ['passed-extra'] }]);
    expect(await client.readKycStatus('passed-extra')).toEqual({
      kycStatus: 'passed',
      eddStatus: 'not_reported',
    });
  });

  it('Kriptomat show user, html_502: an outage to retry, not a contract violation', async () => {
    kriptomat.setCorruptions([{ endpoint: 'showUser', kind: 'html_502' }]);
    const error = await failureOf(client.readKycStatus('passed-gateway'));
    expect({ type: error.type, retryable: error.retryable }).toEqual({
      type: 'PartnerUnavailable',
      retryable: true,
    });
    expect(error.message).toContain('HTTP 502');
  });

  it('SumSub review status, unknown_enum: a contract violation naming reviewStatus and HTTP 200', async () => {
    const api = sumsubClient(sumsub.url);
    const applicant = await api.createApplicant('basic-kyc-level', { externalUserId: 'not_started-c3' });
    sumsub.setCorruptions([{ endpoint: 'applicantStatus', kind: 'unknown_enum' }]);

    const error = await failureOf(api.getReview(applicant.id));

    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error.message).toMatch(/reviewStatus: Invalid option/);
    expect(error.message).toContain('SumSub GET /resources/applicants/{applicantId}/status, HTTP 200');
    expect(error.message).not.toContain(CORRUPTION_MARKERS.unknownEnum);
  });
});
