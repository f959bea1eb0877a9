import { z } from 'zod';
import { runRefSchema } from './records';

/**
 * A row's body: the record as stored, JSON in UTF-8. It names its own chain position (pseudonym, seq) and
 * time, so a row moved or re-dated fails verification; `sealed` (base64) is the record's free text under the
 * subject's key. `run` (optional: bodies written before it have none) names the execution that wrote the
 * record, so a record of a reset run stays known as one. The chain hashes these bytes exactly as read back,
 * never a re-serialisation.
 */
export const storedBodySchema = z
  .object({
    v: z.literal(1),
    pseudonym: z.string(),
    seq: z.number().int().min(1),
    at: z.iso.datetime(),
    kind: z.string(),
    data: z.record(z.string(), z.unknown()),
    run: runRefSchema.optional(),
    sealed: z.string().optional(),
  })
  .strict();
export type StoredBody = z.infer<typeof storedBodySchema>;

export function encodeBody(body: StoredBody): Buffer {
  const { v, pseudonym, seq, at, kind, data, run, sealed } = body;
  return Buffer.from(
    JSON.stringify({ v, pseudonym, seq, at, kind, data, ...(run && { run }), ...(sealed && { sealed }) }),
    'utf8',
  );
}

/** The body in `bytes`, or the reason it is none. */
export function decodeBody(bytes: Buffer): StoredBody | string {
  try {
    const parsed = storedBodySchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success
      ? parsed.data
      : `the body is not a record: ${parsed.error.issues[0]?.message ?? ''}`;
  } catch {
    return 'the body is not JSON';
  }
}
