import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** DER prefixes that turn a raw 32-byte Ed25519 seed or public key into PKCS8 / SPKI (RFC 8410). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The secrets the trail needs, all held outside its database: the lookup key (user id → subject row), the
 * signing key of new chain heads, and every public key whose signatures `verify` accepts (the signing key's
 * own and retired ones, by key id), so a rotated key leaves older rows verifiable.
 */
export interface AuditKeys {
  lookupKey: Buffer;
  signing: { keyId: string; privateKey: KeyObject };
  verifying: ReadonlyMap<string, KeyObject>;
}

/** `keyId:base64` split, the id checked. */
function keyIdAndBytes(spec: string, what: string): { keyId: string; bytes: Buffer } {
  const colon = spec.indexOf(':');
  const keyId = spec.slice(0, colon);
  if (colon < 0 || !KEY_ID.test(keyId)) throw new Error(`${what} must be <keyId>:<base64>`);
  return { keyId, bytes: Buffer.from(spec.slice(colon + 1), 'base64') };
}

/** An Ed25519 signing key from `keyId:<base64 of its 32-byte seed>`. */
export function signingKeyFrom(spec: string): AuditKeys['signing'] {
  const { keyId, bytes } = keyIdAndBytes(spec, 'the audit signing key');
  if (bytes.length !== 32) throw new Error('the audit signing key must be a 32-byte Ed25519 seed');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, bytes]),
    format: 'der',
    type: 'pkcs8',
  });
  return { keyId, privateKey };
}

/** An Ed25519 public key from `keyId:<base64 of its 32 raw bytes>`. */
export function verifyingKeyFrom(spec: string): [string, KeyObject] {
  const { keyId, bytes } = keyIdAndBytes(spec, 'an audit verifying key');
  if (bytes.length !== 32) throw new Error('an audit verifying key must be a 32-byte Ed25519 public key');
  return [keyId, createPublicKey({ key: Buffer.concat([SPKI_ED25519, bytes]), format: 'der', type: 'spki' })];
}

/** The raw 32 bytes of an Ed25519 public key, as `KYC_AUDIT_VERIFY_KEYS` lists it. */
export function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
}

/**
 * The keys from their configured forms: the lookup key as base64 (at least 32 bytes), the signing key as
 * `keyId:base64 seed`, retired public keys as `keyId:base64`.
 */
export function auditKeysFrom(config: {
  lookupKey: string;
  signingKey: string;
  verifyKeys?: readonly string[];
}): AuditKeys {
  const lookupKey = Buffer.from(config.lookupKey, 'base64');
  if (lookupKey.length < 32) throw new Error('the audit lookup key must be at least 32 bytes');
  const signing = signingKeyFrom(config.signingKey);
  const verifying = new Map((config.verifyKeys ?? []).map(verifyingKeyFrom));
  verifying.set(signing.keyId, createPublicKey(signing.privateKey));
  return { lookupKey, signing, verifying };
}
