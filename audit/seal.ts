import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM under a subject's key, bound to the record it belongs to (`aad`: pseudonym and sequence
 * number), so a sealed text moved to another row does not open. Layout: 12-byte IV, 16-byte tag, ciphertext.
 */
export function seal(key: Buffer, plaintext: string, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The text `seal` sealed; throws when the key, the record or the bytes differ. */
export function unseal(key: Buffer, sealed: Buffer, aad: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}

/** HMAC-SHA256 with a domain label, so one key never yields the same digest for two purposes. */
export function keyedDigest(key: Buffer, label: string, value: string): Buffer {
  return createHmac('sha256', key).update(`${label}\n${value}`, 'utf8').digest();
}
