import { z } from 'zod';
import { encodeBody } from './body';
import { chainHash, GENESIS, signHead } from './chain';
import type { Queryable } from './database';
import type { AuditKeys } from './keys';
import type { AuditRecord } from './records';
import { auditRecordSchema } from './records';
import type { SubjectRow } from './rows';
import { bytes } from './rows';
import { keyedDigest, seal } from './seal';

/** Where an append left the record: its chain and position, and whether this call wrote it. */
export interface Appended {
  pseudonym: string;
  seq: number;
  /** false when the idempotency key had written it before (a retry): nothing was written. */
  created: boolean;
}

/** Raised when a record is appended for a subject whose key was destroyed. */
export class SubjectErasedError extends Error {
  override readonly name = 'SubjectErasedError';
}

const seqRow = z.object({ seq: z.coerce.number().int() });
const headRow = z.object({
  seq: z.coerce.number().int(),
  chain_hash: bytes,
});

/** The sealed free text is bound to its row, so it does not open elsewhere. */
export const sealContext = (pseudonym: string, seq: number): string => `${pseudonym}:${seq}`;

/**
 * Appends `record` to the chain of `subject`, which the caller has locked in this transaction (so no other
 * writer reads the same head). A record already written under `idempotencyKey` is returned as it is. The
 * body names its chain, position and time, and the run that wrote it when the record says; the row stores
 * the new head and its signature.
 */
export async function appendLocked(
  tx: Queryable,
  keys: AuditKeys,
  subject: SubjectRow,
  input: { record: AuditRecord; idempotencyKey: string; at: Date },
): Promise<Appended> {
  const record = auditRecordSchema.parse(input.record);
  const { pseudonym, subject_key: subjectKey } = subject;
  if (subjectKey === null)
    throw new SubjectErasedError(`subject ${pseudonym} is erased: nothing more is written`);
  const digest = keyedDigest(subjectKey, 'kyc-audit-idempotency', input.idempotencyKey);
  const existing = await tx.query(
    'SELECT seq FROM audit_records WHERE pseudonym = $1 AND idempotency_digest = $2',
    [pseudonym, digest],
  );
  if (existing.rows[0] !== undefined)
    return { pseudonym, seq: seqRow.parse(existing.rows[0]).seq, created: false };

  const { rows } = await tx.query(
    'SELECT seq, chain_hash FROM audit_records WHERE pseudonym = $1 ORDER BY seq DESC LIMIT 1',
    [pseudonym],
  );
  const head = rows[0] === undefined ? undefined : headRow.parse(rows[0]);
  const seq = (head?.seq ?? 0) + 1;
  const text = 'text' in record ? record.text : undefined;
  const body = encodeBody({
    v: 1,
    pseudonym,
    seq,
    at: input.at.toISOString(),
    kind: record.kind,
    data: record.data,
    ...(record.run && { run: record.run }),
    ...(text && {
      sealed: seal(subjectKey, JSON.stringify(text), sealContext(pseudonym, seq)).toString('base64'),
    }),
  });
  const hash = chainHash(head?.chain_hash ?? GENESIS, body);
  await tx.query(
    `INSERT INTO audit_records
       (pseudonym, seq, occurred_at, idempotency_digest, body, chain_hash, key_id, signature)
     VALUES ($1, $2, to_timestamp($3::double precision / 1000), $4, $5, $6, $7, $8)`,
    [
      pseudonym,
      seq,
      input.at.getTime(),
      digest,
      body,
      hash,
      keys.signing.keyId,
      signHead(keys.signing.privateKey, hash),
    ],
  );
  if (record.kind === 'case.ended') {
    await tx.query(
      `UPDATE audit_subjects SET last_case_ended_at =
         GREATEST(last_case_ended_at, to_timestamp($2::double precision / 1000))
       WHERE pseudonym = $1`,
      [pseudonym, input.at.getTime()],
    );
  }
  return { pseudonym, seq, created: true };
}
