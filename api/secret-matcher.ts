import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A constant-time check of a presented value against a secret: both sides are hashed (the secret once, here),
 * so the comparison takes the same time whatever the candidate's length or first wrong byte. Without a
 * configured secret nothing matches. The one comparison of every credential the API takes.
 */
export function secretMatcher(secret: string | undefined): (candidate: string | undefined) => boolean {
  const expected = secret ? sha256(secret) : null;
  return (candidate) => Boolean(expected && candidate && timingSafeEqual(sha256(candidate), expected));
}
