import { z } from '@hono/zod-openapi';
import type { Payload } from '@temporalio/common';

/**
 * Payloads as the Temporal UI and CLI send them to a codec endpoint: the JSON form of the `Payloads` proto,
 * bytes in base64. proto3 JSON leaves out empty fields and its readers accept both base64 alphabets.
 */
/** Histories can carry many payloads of up to 2 MB each; anything far larger is not a codec call. */
export const MAX_CODEC_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The bounds of a codec call, implied by its body limit rather than chosen: no body the endpoint reads can
 * break them, so they refuse nothing it took before. A string of base64 is at most the body's length; a
 * payload is at least `{},` (3 bytes).
 */
const MAX_BASE64_LENGTH = MAX_CODEC_BODY_BYTES;
const MAX_PAYLOADS = Math.floor(MAX_CODEC_BODY_BYTES / 3);

const base64 = z
  .string()
  .max(MAX_BASE64_LENGTH)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64')
  .openapi({ format: 'byte' });

const PayloadJsonSchema = z
  .object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })
  .openapi('Payload');

// The Temporal CLI sends `{}` for a call without arguments (proto3 JSON drops an empty list).
export const PayloadsJsonSchema = z
  .object({ payloads: z.array(PayloadJsonSchema).max(MAX_PAYLOADS).default([]) })
  .openapi('Payloads');

export type PayloadJson = z.infer<typeof PayloadJsonSchema>;

/** A payload from its JSON form. */
export function fromPayloadJson(json: PayloadJson): Payload {
  const metadata = Object.fromEntries(
    Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  );
  return { metadata, data: Buffer.from(json.data ?? '', 'base64') };
}

/** A payload in its JSON form (standard base64, as Temporal writes it). */
export function toPayloadJson(payload: Payload): Required<PayloadJson> {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value).toString('base64'),
    ]),
  );
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}
