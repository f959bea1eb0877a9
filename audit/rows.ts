import { z } from 'zod';

/** bytea as either driver returns it (`pg` a Buffer, PGlite a Uint8Array), as a Buffer. */
export const bytes = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes')
  .transform((value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength));
/** int8 and epoch milliseconds (`pg` gives strings, PGlite numbers). */
const integer = z.coerce.number().int();

/** Times are read as epoch milliseconds (`extract(epoch ...)`), the same on both drivers. */
export const subjectRowSchema = z.object({
  pseudonym: z.string(),
  subject_key: bytes.nullable(),
  last_case_ended_ms: integer.nullable(),
  erase_after_ms: integer.nullable(),
  erased_ms: integer.nullable(),
});
export type SubjectRow = z.infer<typeof subjectRowSchema>;

export const SUBJECT_COLUMNS = `pseudonym, subject_key,
  (extract(epoch FROM last_case_ended_at) * 1000)::bigint AS last_case_ended_ms,
  (extract(epoch FROM erase_after) * 1000)::bigint AS erase_after_ms,
  (extract(epoch FROM erased_at) * 1000)::bigint AS erased_ms`;

export const recordRowSchema = z.object({
  pseudonym: z.string(),
  seq: integer,
  occurred_ms: integer,
  body: bytes,
  chain_hash: bytes,
  key_id: z.string(),
  signature: bytes,
});
export type RecordRow = z.infer<typeof recordRowSchema>;

export const RECORD_COLUMNS = `pseudonym, seq, (extract(epoch FROM occurred_at) * 1000)::bigint AS occurred_ms,
  body, chain_hash, key_id, signature`;

export const pseudonymRowSchema = z.object({ pseudonym: z.string() });
