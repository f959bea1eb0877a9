import { createHmac } from 'node:crypto';
import {
  formatCreatedAtMs,
  parseSumsubWebhook,
  signWebhookBody,
  verifyWebhookDigest,
} from '../../vendors/sumsub/webhook';
import type { WebhookDigestAlg } from '../../vendors/sumsub/webhook';

/** Webhook digests over raw bytes, and the documented webhook body. */
const SECRET = 'webhook-secret-42';
// Deliberately spaced the way no JSON.stringify would write it: the digest is over these exact bytes.
const RAW = `{"applicantId": "5cb56e8e0a975a35f333cb83", "inspectionId": "5cb56e8e0a975a35f333cb84",
  "correlationId": "req-a260b669-4f14-4bb5-a4c5-ac0218acb9a4", "externalUserId": "onboard-1",
  "levelName": "basic-kyc-level", "type": "applicantReviewed", "sandboxMode": false,
  "reviewResult": {"reviewAnswer": "GREEN"}, "reviewStatus": "completed",
  "createdAtMs": "2020-02-21 13:23:19.321", "clientId": "coolClientId"}`;

describe('verifyWebhookDigest', () => {
  const algorithms: [WebhookDigestAlg, string][] = [
    ['HMAC_SHA1_HEX', 'sha1'],
    ['HMAC_SHA256_HEX', 'sha256'],
    ['HMAC_SHA512_HEX', 'sha512'],
  ];

  it.each(algorithms)('reproduces and accepts a %s digest of the raw body', (alg, hash) => {
    const digest = createHmac(hash, SECRET).update(RAW).digest('hex');
    expect(signWebhookBody(RAW, alg, SECRET)).toBe(digest);
    expect(verifyWebhookDigest(RAW, { digest, alg }, SECRET)).toBe(true);
    expect(verifyWebhookDigest(Buffer.from(RAW), { digest, alg }, SECRET)).toBe(true);
  });

  it.each(algorithms)('refuses a %s digest once the body is re-serialised', (alg) => {
    const digest = signWebhookBody(RAW, alg, SECRET);
    const reserialised = JSON.stringify(JSON.parse(RAW));
    expect(verifyWebhookDigest(reserialised, { digest, alg }, SECRET)).toBe(false);
  });

  it('refuses a wrong secret, another algorithm, an unknown algorithm and a missing digest', () => {
    const digest = signWebhookBody(RAW, 'HMAC_SHA256_HEX', SECRET);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'HMAC_SHA256_HEX' }, 'other-secret')).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'HMAC_SHA512_HEX' }, SECRET)).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'HMAC_MD5_HEX' }, SECRET)).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'toString' }, SECRET)).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest: undefined, alg: 'HMAC_SHA256_HEX' }, SECRET)).toBe(false);
  });

  it("reads a missing x-payload-digest-alg as HMAC_SHA256_HEX, as SumSub's reference verifier does (old code: refused)", () => {
    const sha256 = signWebhookBody(RAW, 'HMAC_SHA256_HEX', SECRET);
    const sha1 = signWebhookBody(RAW, 'HMAC_SHA1_HEX', SECRET);
    for (const alg of [null, undefined, '']) {
      expect(verifyWebhookDigest(RAW, { digest: sha256, alg }, SECRET)).toBe(true);
      expect(verifyWebhookDigest(RAW, { digest: sha1, alg }, SECRET)).toBe(false);
    }
  });

  it('refuses malformed digests without throwing', () => {
    const digest = signWebhookBody(RAW, 'HMAC_SHA256_HEX', SECRET);
    const alg = 'HMAC_SHA256_HEX';
    for (const bad of [digest.slice(0, -2), `${digest}00`, `${digest.slice(0, -1)}z`, digest.slice(1), '']) {
      expect(verifyWebhookDigest(RAW, { digest: bad, alg }, SECRET)).toBe(false);
    }
  });
});

describe('parseSumsubWebhook', () => {
  const withChange = (change: object) => JSON.stringify({ ...(JSON.parse(RAW) as object), ...change });

  it('reads a review event: type, applicant, user and createdAtMs as ISO, nothing else', () => {
    expect(parseSumsubWebhook(RAW)).toEqual({
      kind: 'review',
      webhook: {
        type: 'applicantReviewed',
        applicantId: '5cb56e8e0a975a35f333cb83',
        externalUserId: 'onboard-1',
        createdAt: '2020-02-21T13:23:19.321Z',
      },
    });
  });

  it.each([
    'applicantKytTxnRejected',
    'applicantKytTxnApproved',
    'applicantKytTxnAwaitingUser',
    'applicantPersonalInfoChanged',
    'applicantWorkflowCompleted',
    'applicantActionReviewed',
    'travelRuleAction',
  ])(
    'routes %s away from the case, whatever its review fields (old code: read as the KYC verdict)',
    (type) => {
      const raw = withChange({
        type,
        reviewStatus: 'completed',
        reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'FINAL' },
      });
      expect(parseSumsubWebhook(raw)).toEqual({ kind: 'other', type, externalUserId: 'onboard-1' });
    },
  );

  it('labels undocumented types other, and the kytCase family by its prefix', () => {
    expect(parseSumsubWebhook(withChange({ type: 'somethingNew' }))).toMatchObject({
      kind: 'other',
      type: 'other',
    });
    const kytCase = JSON.stringify({
      type: 'kytCaseCreated',
      applicantId: 'a1',
      createdAtMs: '2020-02-21 13:23:19.321',
    });
    expect(parseSumsubWebhook(kytCase)).toEqual({ kind: 'other', type: 'kytCase*' });
  });

  it.each([
    ['an awaitingUser review status', { reviewStatus: 'awaitingUser' }],
    ['an unknown review answer', { reviewResult: { reviewAnswer: 'AMBER' } }],
    ['a RED without reject type', { reviewResult: { reviewAnswer: 'RED' } }],
    ['no review fields at all', { reviewStatus: undefined, reviewResult: undefined }],
    ['an ISO createdAtMs', { createdAtMs: '2020-02-21T13:23:19.321Z' }],
    ['a numeric createdAtMs', { createdAtMs: 1582291399321 }],
  ])('reads a review event with %s (old code: malformed)', (_name, change) => {
    const parsed = parseSumsubWebhook(withChange(change));
    expect(parsed).toMatchObject({ kind: 'review', webhook: { createdAt: '2020-02-21T13:23:19.321Z' } });
  });

  it.each([
    ['a missing applicantId', { applicantId: undefined }, 'applicantId', null],
    ['an applicantId of the wrong type', { applicantId: 7 }, 'applicantId', null],
    ['a createdAtMs that is no time', { createdAtMs: 'yesterday at noon' }, 'createdAtMs', 'yesterday'],
    ['a missing externalUserId', { externalUserId: undefined }, 'externalUserId', null],
  ])(
    'calls a review event with %s malformed, naming the field and not its value',
    (_name, change, field, value) => {
      const parsed = parseSumsubWebhook(withChange(change));
      expect(parsed.kind).toBe('malformed');
      const error = parsed.kind === 'malformed' ? parsed.error : '';
      expect(error).toContain(`: ${field}: `);
      if (value !== null) expect(error).not.toContain(value);
    },
  );

  it.each([
    ['not JSON', '<html>', 'webhook body is not JSON'],
    ['an empty body', '', 'webhook body is not JSON'],
    ['a JSON array', '[]', 'webhook body is not a JSON object'],
    ['no type', '{"applicantId":"a"}', 'webhook body breaks its contract: type: expected a string'],
  ])('calls %s malformed', (_name, raw, error) => {
    expect(parseSumsubWebhook(raw)).toEqual({ kind: 'malformed', type: 'other', error });
  });

  it('formats createdAtMs as the documented UTC string', () => {
    expect(formatCreatedAtMs(new Date(Date.UTC(2020, 1, 21, 13, 23, 19, 2)))).toBe('2020-02-21 13:23:19.002');
  });
});
