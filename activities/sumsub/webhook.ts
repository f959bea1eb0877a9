import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { REVIEW_STATUSES } from '../../domain';
import { describeIssues } from '../http/parse-body';
import { requireDecisiveResult, reviewResultSchema } from './schemas';

/** The digest algorithms SumSub names in `x-payload-digest-alg`, and the hash each stands for. */
const WEBHOOK_DIGEST_ALGORITHMS = {
  HMAC_SHA1_HEX: 'sha1',
  HMAC_SHA256_HEX: 'sha256',
  HMAC_SHA512_HEX: 'sha512',
} as const;
export type WebhookDigestAlg = keyof typeof WEBHOOK_DIGEST_ALGORITHMS;

/** Hex HMAC of the raw body bytes, as SumSub puts in `x-payload-digest`. */
export function signWebhookBody(rawBody: Buffer | string, alg: WebhookDigestAlg, secret: string): string {
  return createHmac(WEBHOOK_DIGEST_ALGORITHMS[alg], secret).update(rawBody).digest('hex');
}

/**
 * True when `digest` is the HMAC of exactly these bytes under the named algorithm. Verify the body as received,
 * before any JSON parsing: a re-serialised body differs in its bytes and fails. Unknown algorithms, missing
 * headers and malformed digests are false, never exceptions; the comparison takes constant time.
 */
export function verifyWebhookDigest(
  rawBody: Buffer | string,
  headers: { digest: string | null | undefined; alg: string | null | undefined },
  secret: string,
): boolean {
  const { digest, alg } = headers;
  if (!digest || !alg || !Object.hasOwn(WEBHOOK_DIGEST_ALGORITHMS, alg)) return false;
  if (!/^[0-9a-fA-F]+$/.test(digest) || digest.length % 2 !== 0) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, alg as WebhookDigestAlg, secret), 'hex');
  const received = Buffer.from(digest, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** `yyyy-MM-dd HH:mm:ss.fff` in UTC: the string (not a number) SumSub sends as `createdAtMs`. */
export function formatCreatedAtMs(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 23);
}

/**
 * A SumSub webhook body as documented. `type` is any string because SumSub has many more types than the
 * engine acts on; fields the engine does not use are stripped. There is no personal data in a webhook.
 */
const sumsubWebhookSchema = z
  .object({
    type: z.string().min(1),
    applicantId: z.string().min(1),
    externalUserId: z.string().min(1),
    inspectionId: z.string().optional(),
    correlationId: z.string().optional(),
    levelName: z.string().optional(),
    sandboxMode: z.boolean().optional(),
    reviewStatus: z.enum(REVIEW_STATUSES).optional(),
    reviewResult: reviewResultSchema.optional(),
    createdAtMs: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/, 'expected yyyy-MM-dd HH:mm:ss.fff'),
  })
  .superRefine(requireDecisiveResult);
export type SumsubWebhook = z.infer<typeof sumsubWebhookSchema>;

export type ParsedSumsubWebhook = { ok: true; webhook: SumsubWebhook } | { ok: false; error: string };

/**
 * Parses a (verified) raw webhook body. On failure `error` names each bad field and what was expected, never
 * the value received.
 */
export function parseSumsubWebhook(rawBody: Buffer | string): ParsedSumsubWebhook {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { ok: false, error: 'webhook body is not JSON' };
  }
  const result = sumsubWebhookSchema.safeParse(json);
  if (result.success) return { ok: true, webhook: result.data };
  return { ok: false, error: `webhook body breaks its contract: ${describeIssues(result.error).join('; ')}` };
}
