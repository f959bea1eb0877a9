import { createHmac } from 'node:crypto';
import {
  formatCreatedAtMs,
  parseSumsubWebhook,
  signWebhookBody,
  verifyWebhookDigest,
} from '../../activities/sumsub/webhook';
import type { WebhookDigestAlg } from '../../activities/sumsub/webhook';

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

  it('refuses a wrong secret, another algorithm, an unknown algorithm and missing headers', () => {
    const digest = signWebhookBody(RAW, 'HMAC_SHA256_HEX', SECRET);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'HMAC_SHA256_HEX' }, 'other-secret')).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'HMAC_SHA512_HEX' }, SECRET)).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'HMAC_MD5_HEX' }, SECRET)).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest, alg: 'toString' }, SECRET)).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest: undefined, alg: 'HMAC_SHA256_HEX' }, SECRET)).toBe(false);
    expect(verifyWebhookDigest(RAW, { digest, alg: null }, SECRET)).toBe(false);
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
  it('reads the documented body', () => {
    expect(parseSumsubWebhook(RAW)).toEqual({
      ok: true,
      webhook: {
        type: 'applicantReviewed',
        applicantId: '5cb56e8e0a975a35f333cb83',
        externalUserId: 'onboard-1',
        inspectionId: '5cb56e8e0a975a35f333cb84',
        correlationId: 'req-a260b669-4f14-4bb5-a4c5-ac0218acb9a4',
        levelName: 'basic-kyc-level',
        sandboxMode: false,
        reviewStatus: 'completed',
        reviewResult: { reviewAnswer: 'GREEN' },
        createdAtMs: '2020-02-21 13:23:19.321',
      },
    });
  });

  it('accepts webhook types it does not act on', () => {
    const body = { ...JSON.parse(RAW), type: 'applicantPersonalInfoChanged' } as object;
    const parsed = parseSumsubWebhook(JSON.stringify(body));
    expect(parsed.ok && parsed.webhook.type).toBe('applicantPersonalInfoChanged');
  });

  it.each([
    ['a numeric createdAtMs', { createdAtMs: 1582291399321 }, 'createdAtMs', '1582291399321'],
    ['an ISO createdAtMs', { createdAtMs: '2020-02-21T13:23:19.321Z' }, 'createdAtMs', '13:23:19.321Z'],
    ['a missing applicantId', { applicantId: undefined }, 'applicantId', null],
    [
      'an unknown review answer',
      { reviewResult: { reviewAnswer: 'AMBER' } },
      'reviewResult.reviewAnswer',
      'AMBER',
    ],
    [
      'a RED without reject type',
      { reviewResult: { reviewAnswer: 'RED' } },
      'reviewResult.reviewRejectType',
      null,
    ],
    ['an unknown review status', { reviewStatus: 'escalated' }, 'reviewStatus', 'escalated'],
  ])('names the bad field for %s, not its value', (_name, change, field, value) => {
    const parsed = parseSumsubWebhook(JSON.stringify({ ...JSON.parse(RAW), ...change } as object));
    const error = parsed.ok ? 'parsed' : parsed.error;
    expect(error).toContain(`: ${field}: `);
    if (value !== null) expect(error).not.toContain(value);
  });

  it('says so when the body is not JSON', () => {
    expect(parseSumsubWebhook('<html>')).toEqual({ ok: false, error: 'webhook body is not JSON' });
  });

  it('formats createdAtMs as the documented UTC string', () => {
    expect(formatCreatedAtMs(new Date(Date.UTC(2020, 1, 21, 13, 23, 19, 2)))).toBe('2020-02-21 13:23:19.002');
  });
});
