import { randomBytes } from 'node:crypto';
import { AuditConfigurationError, openAuditStore } from '../../audit';
import { ed25519Spec } from './audit-keys';

/** Which settings open the trail, and how a half-configured one is refused before anything is opened. */
const lookupKey = randomBytes(32).toString('base64');
const signingKey = ed25519Spec('k1').signing;

it('is off (null) when no audit key is set', async () => {
  await expect(openAuditStore({ KYC_AUDIT_DATA_DIR: '/nowhere' })).resolves.toBeNull();
});

it.each([
  [{ KYC_AUDIT_LOOKUP_KEY: lookupKey }, 'KYC_AUDIT_SIGNING_KEY'],
  [{ KYC_AUDIT_SIGNING_KEY: signingKey }, 'KYC_AUDIT_LOOKUP_KEY'],
  [{ KYC_AUDIT_LOOKUP_KEY: lookupKey, KYC_AUDIT_SIGNING_KEY: signingKey }, 'KYC_DATABASE_URL'],
])('refuses %o, naming %s', async (settings, named) => {
  const opening = openAuditStore(settings);
  await expect(opening).rejects.toThrow(AuditConfigurationError);
  await expect(opening).rejects.toThrow(named);
});
