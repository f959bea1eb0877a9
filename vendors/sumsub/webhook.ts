import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SumsubReviewEventType } from '../../domain';
import { isSumsubReviewEventType } from '../../domain';
import { describeIssues } from '../http/parse-body';
import { sumsubTypeLabel } from './webhook-types';

/** The digest algorithms SumSub names in `x-payload-digest-alg`, and the hash each stands for. */
const WEBHOOK_DIGEST_ALGORITHMS = {
  HMAC_SHA1_HEX: 'sha1',
  HMAC_SHA256_HEX: 'sha256',
  HMAC_SHA512_HEX: 'sha512',
} as const;
export type WebhookDigestAlg = keyof typeof WEBHOOK_DIGEST_ALGORITHMS;

/** What a missing `x-payload-digest-alg` means: SumSub's own reference verifier assumes it. */
const DEFAULT_WEBHOOK_DIGEST_ALG: WebhookDigestAlg = 'HMAC_SHA256_HEX';

/** Hex HMAC of the raw body bytes, as SumSub puts in `x-payload-digest`. */
export function signWebhookBody(rawBody: Buffer | string, alg: WebhookDigestAlg, secret: string): string {
  return createHmac(WEBHOOK_DIGEST_ALGORITHMS[alg], secret).update(rawBody).digest('hex');
}

/**
 * True when `digest` is the HMAC of exactly these bytes under the named algorithm (`HMAC_SHA256_HEX` when the
 * header is missing or empty). Verify the body as received, before any JSON parsing: a re-serialised body
 * differs in its bytes and fails. A missing digest, an unknown algorithm and malformed digests are false,
 * never exceptions; the comparison takes constant time (docs/vendor-apis.md, "SumSub webhooks").
 */
export function verifyWebhookDigest(
  rawBody: Buffer | string,
  headers: { digest: string | null | undefined; alg: string | null | undefined },
  secret: string,
): boolean {
  const { digest } = headers;
  const alg = headers.alg || DEFAULT_WEBHOOK_DIGEST_ALG;
  if (!digest || !Object.hasOwn(WEBHOOK_DIGEST_ALGORITHMS, alg)) return false;
  if (!/^[0-9a-fA-F]+$/.test(digest) || digest.length % 2 !== 0) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, alg as WebhookDigestAlg, secret), 'hex');
  const received = Buffer.from(digest, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** `yyyy-MM-dd HH:mm:ss.fff` in UTC: the string (not a number) SumSub sends as `createdAtMs`. */
export function formatCreatedAtMs(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 23);
}

const SUMSUB_CREATED_AT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/;
const ISO_CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `createdAtMs` as an ISO timestamp, read leniently: it is shown to operators, never decides anything. The
 * documented string (UTC), an ISO timestamp, or epoch milliseconds.
 */
const createdAt = z
  .union(
    [
      z
        .string()
        .regex(SUMSUB_CREATED_AT)
        .transform((value) => `${value.replace(' ', 'T')}Z`),
      z.string().regex(ISO_CREATED_AT),
      z.number().int().positive(),
    ],
    { error: 'expected yyyy-MM-dd HH:mm:ss.fff' },
  )
  .transform((value, ctx) => {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
    ctx.addIssue({ code: 'custom', message: 'expected yyyy-MM-dd HH:mm:ss.fff' });
    return z.NEVER;
  });

/** SumSub's applicant ids are hex; bounded, since the id travels in a signal. */
const applicantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a SumSub applicant id');

/**
 * The fields of a review event the engine reads; every other field (`reviewStatus`, `reviewResult`, ...) is
 * ignored, so a value the engine does not know cannot make a body malformed. The review itself is read from
 * SumSub when the case wakes.
 */
const reviewEventSchema = z.object({
  applicantId,
  externalUserId: z.string().min(1),
  createdAtMs: createdAt,
});

/** A review event as the receiver passes it on: which applicant, whose, and when SumSub says it happened. */
export interface SumsubReviewWebhook {
  type: SumsubReviewEventType;
  applicantId: string;
  externalUserId: string;
  /** ISO timestamp of `createdAtMs`. */
  createdAt: string;
}

/**
 * A (verified) webhook body, routed by `type`: a review event with the fields that wake a case; another
 * event (KYT, AML, workflow, action, travel rule, personal info, ...), named by its bounded label; or a body
 * that cannot be read, with the reason (field paths and expectations only, never values).
 */
export type ParsedSumsubWebhook =
  | { kind: 'review'; webhook: SumsubReviewWebhook }
  | { kind: 'other'; type: string; externalUserId?: string }
  | { kind: 'malformed'; type: string; error: string };

/**
 * The first step of reading any webhook body (SumSub's, and Kriptomat's SumSub-style one): the JSON and its
 * bounded type label, or the reason it is not JSON at all.
 */
export type WebhookJson =
  { ok: true; json: unknown; type: string } | { ok: false; type: 'other'; error: string };

export function readWebhookJson(rawBody: Buffer | string): WebhookJson {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { ok: false, type: 'other', error: 'webhook body is not JSON' };
  }
  return { ok: true, json, type: sumsubTypeLabel((json as { type?: unknown } | null)?.type) };
}

/** Why a webhook body failed its schema: field paths and expectations only, never values. */
export function contractBreach(error: z.ZodError, body: unknown): string {
  return `webhook body breaks its contract: ${describeIssues(error, body).join('; ')}`;
}

export function parseSumsubWebhook(rawBody: Buffer | string): ParsedSumsubWebhook {
  const read = readWebhookJson(rawBody);
  if (!read.ok) return { kind: 'malformed', type: read.type, error: read.error };
  const { json, type: label } = read;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'malformed', type: 'other', error: 'webhook body is not a JSON object' };
  }
  const body = json as Record<string, unknown>;
  if (typeof body.type !== 'string' || body.type === '') {
    return {
      kind: 'malformed',
      type: label,
      error: 'webhook body breaks its contract: type: expected a string',
    };
  }
  if (!isSumsubReviewEventType(body.type)) {
    const externalUserId = typeof body.externalUserId === 'string' ? body.externalUserId : undefined;
    return { kind: 'other', type: label, ...(externalUserId && { externalUserId }) };
  }
  const result = reviewEventSchema.safeParse(body);
  if (!result.success) {
    return { kind: 'malformed', type: label, error: contractBreach(result.error, body) };
  }
  const { externalUserId, createdAtMs } = result.data;
  return {
    kind: 'review',
    webhook: {
      type: body.type,
      applicantId: result.data.applicantId,
      externalUserId,
      createdAt: createdAtMs,
    },
  };
}
