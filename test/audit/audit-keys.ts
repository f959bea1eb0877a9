import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AuditKeys } from '../../audit';
import { auditKeysFrom, rawPublicKey } from '../../audit';

/** A new Ed25519 key as `KYC_AUDIT_SIGNING_KEY` and `KYC_AUDIT_VERIFY_KEYS` write it. */
export function ed25519Spec(keyId: string): { signing: string; verifying: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  return {
    signing: `${keyId}:${seed.toString('base64')}`,
    verifying: `${keyId}:${rawPublicKey(publicKey).toString('base64')}`,
  };
}

/** Fresh audit keys, from their configured forms as a process reads them. */
export function newAuditKeys(keyId = 'audit-1', retired: string[] = []): AuditKeys {
  return auditKeysFrom({
    lookupKey: randomBytes(32).toString('base64'),
    signingKey: ed25519Spec(keyId).signing,
    verifyKeys: retired,
  });
}
