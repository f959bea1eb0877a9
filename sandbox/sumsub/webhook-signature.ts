import { createHmac } from 'node:crypto';

/**
 * SumSub's webhook digest as docs/vendor-apis.md describes it: `x-payload-digest` is the hex HMAC of the raw body
 * bytes keyed by the webhook's secret, under the algorithm `x-payload-digest-alg` names. Written here, apart
 * from the engine's verifier, so the two cannot share a mistake.
 */
export const WEBHOOK_DIGEST_ALGS = ['HMAC_SHA1_HEX', 'HMAC_SHA256_HEX', 'HMAC_SHA512_HEX'] as const;
export type WebhookDigestAlg = (typeof WEBHOOK_DIGEST_ALGS)[number];

const HASHES: Record<WebhookDigestAlg, string> = {
  HMAC_SHA1_HEX: 'sha1',
  HMAC_SHA256_HEX: 'sha256',
  HMAC_SHA512_HEX: 'sha512',
};

/** What a receiver must assume when `x-payload-digest-alg` is missing (SumSub's reference verifier does). */
export const DIGEST_ALG_WHEN_UNNAMED: WebhookDigestAlg = 'HMAC_SHA256_HEX';

/** The hex digest SumSub sends for these exact body bytes. */
export function webhookDigest(rawBody: string | Buffer, alg: WebhookDigestAlg, secret: string): string {
  return createHmac(HASHES[alg], secret).update(rawBody).digest('hex');
}

/** `yyyy-MM-dd HH:mm:ss.fff` in UTC: the string (not a number) SumSub sends as `createdAtMs`. */
export function createdAtMsOf(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}
