import { createHmac } from 'node:crypto';

/**
 * RFC 6238 TOTP as Google Authenticator uses it (HMAC-SHA-1, 30 s steps, 6 digits), written here from the RFC
 * with `node:crypto` alone: the engine's client uses a library, and a simulator that shared it would repeat
 * its mistakes. Proven against the RFC's Appendix B vectors in test/sandbox/totp.test.ts.
 */
export const TOTP_STEP_SECONDS = 30;
const TOTP_DIGITS = 6;

/** 80 bits: the shortest secret authenticator apps issue (16 base32 characters). */
const MIN_SECRET_BYTES = 10;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The time step (RFC 6238 `T`) of a moment: whole periods (30 s by default) since the Unix epoch. */
export function timeStepAt(atMs: number, stepSeconds: number = TOTP_STEP_SECONDS): number {
  return Math.floor(atMs / 1000 / stepSeconds);
}

/** The HOTP value (RFC 4226 §5.3, dynamic truncation) of `counter`, as `digits` decimal digits. */
export function hotp(key: Buffer, counter: number, digits: number = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The TOTP code of `key` at `atMs`. */
export function totpAt(
  key: Buffer,
  atMs: number,
  digits: number = TOTP_DIGITS,
  stepSeconds: number = TOTP_STEP_SECONDS,
): string {
  return hotp(key, timeStepAt(atMs, stepSeconds), digits);
}

/**
 * The key bytes of a base32 secret as people are shown it (grouped, lower case, padded). Throws when it is
 * not base32 or shorter than 80 bits; the message never repeats the secret.
 */
export function totpKeyFromBase32(secret: string): Buffer {
  const text = secret.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of text) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw unusableSecret();
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  if (bytes.length < MIN_SECRET_BYTES) throw unusableSecret();
  return Buffer.from(bytes);
}

function unusableSecret(): Error {
  return new Error('the partner TOTP secret is not a usable base32 secret (at least 16 characters A-Z, 2-7)');
}
