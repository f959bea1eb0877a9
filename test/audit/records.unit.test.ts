import { randomBytes } from 'node:crypto';
import { auditKeysFrom, auditRecordSchema, holdEnds } from '../../audit';
import { apiConfigSchema, workerConfigSchema } from '../../config';
import { auditFields } from '../../config/fields';
import { ed25519Spec } from './audit-keys';

/** What may enter the trail, the keys as configured, and when a hold ends: no database. */
describe('audit records', () => {
  it('takes the structured facts of each kind', () => {
    for (const record of [
      { kind: 'kriptomat.status_read', data: { status: 'passed', eddStatus: 'not_required' } },
      {
        kind: 'sumsub.review_read',
        data: { reviewAnswer: 'RED', rejectType: 'RETRY', rejectLabels: ['BAD_SELFIE'] },
      },
      {
        kind: 'operator.action',
        data: { operator: 'ops.anna', action: 'cancel' },
        text: { reason: 'duplicate' },
      },
      { kind: 'notification.sent', data: { eventType: 'case.approved', deliveryId: 'msg_2Nc' } },
    ])
      expect(auditRecordSchema.safeParse(record).success).toBe(true);
  });

  it.each([
    ['a name', { kind: 'case.started', data: { name: 'Ana Novak' } }],
    ['an email', { kind: 'case.decided', data: { outcome: 'approved', email: 'ana@example.invalid' } }],
    ['a birth date', { kind: 'kriptomat.status_read', data: { status: 'passed', dob: '1990-01-01' } }],
    ['an address beside the record', { kind: 'case.started', data: {}, address: 'Main St 1' }],
    ['a user id', { kind: 'kriptomat.import', data: { result: 'ok', userId: '9113' } }],
    ['free text in a clear field', { kind: 'case.failed', data: { errorType: 'has spaces and a name' } }],
    ['an unknown kind', { kind: 'profile.read', data: { phone: '+386 1 000 000' } }],
  ])('refuses %s', (_what, record) => {
    expect(auditRecordSchema.safeParse(record).success).toBe(false);
  });
});

describe('audit keys', () => {
  it('signs with the configured key and verifies retired keys by id', () => {
    const retired = ed25519Spec('audit-0');
    const keys = auditKeysFrom({
      lookupKey: randomBytes(32).toString('base64'),
      signingKey: ed25519Spec('audit-1').signing,
      verifyKeys: [retired.verifying],
    });
    expect(keys.signing.keyId).toBe('audit-1');
    expect([...keys.verifying.keys()].sort()).toEqual(['audit-0', 'audit-1']);
  });

  it('refuses a short lookup key and a malformed signing key', () => {
    const signingKey = ed25519Spec('k').signing;
    expect(() => auditKeysFrom({ lookupKey: randomBytes(16).toString('base64'), signingKey })).toThrow(
      /32 bytes/,
    );
    expect(() =>
      auditKeysFrom({ lookupKey: randomBytes(32).toString('base64'), signingKey: 'k:' + 'A'.repeat(8) }),
    ).toThrow(/32-byte/);
  });

  it('reads the settings as operators write them; the worker and the API read them, neither requires them', () => {
    expect(auditFields.KYC_AUDIT_HOLD.parse('5y')).toEqual({ years: 5 });
    expect(auditFields.KYC_AUDIT_HOLD.parse('1826d')).toEqual({ days: 1826 });
    expect(auditFields.KYC_AUDIT_HOLD.safeParse('5 years').success).toBe(false);
    const { signing, verifying } = ed25519Spec('audit-1');
    expect(auditFields.KYC_AUDIT_SIGNING_KEY.safeParse(signing).success).toBe(true);
    expect(auditFields.KYC_AUDIT_VERIFY_KEYS.parse(`${verifying} ${verifying}`)).toHaveLength(2);
    expect(auditFields.KYC_AUDIT_LOOKUP_KEY.safeParse(randomBytes(16).toString('base64')).success).toBe(
      false,
    );
    // The worker writes the trail and the API serves it; without keys the trail is off, not an error.
    for (const role of [apiConfigSchema, workerConfigSchema]) {
      expect(role.out.shape.KYC_AUDIT_SIGNING_KEY.safeParse(undefined).success).toBe(true);
      expect(role.out.shape.KYC_AUDIT_LOOKUP_KEY.safeParse(undefined).success).toBe(true);
    }
  });
});

describe('the hold', () => {
  it('ends five calendar years after, leap days included, or after a number of days', () => {
    expect(holdEnds(new Date('2024-02-29T12:00:00Z'), { years: 5 })).toEqual(
      new Date('2029-03-01T12:00:00Z'),
    );
    expect(holdEnds(new Date('2026-03-03T09:00:00Z'), { years: 5 })).toEqual(
      new Date('2031-03-03T09:00:00Z'),
    );
    expect(holdEnds(new Date('2026-03-03T09:00:00Z'), { days: 30 })).toEqual(
      new Date('2026-04-02T09:00:00Z'),
    );
  });
});
