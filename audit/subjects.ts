import { randomBytes } from 'node:crypto';
import type { Queryable } from './database';
import type { SubjectRow } from './rows';
import { SUBJECT_COLUMNS, subjectRowSchema } from './rows';
import { keyedDigest } from './seal';

/**
 * The lookup value of a user id: HMAC-SHA256 under a key kept outside the database, so the small integer
 * ids cannot be enumerated against the table without that key.
 */
export function lookupOf(lookupKey: Buffer, userId: string): Buffer {
  return keyedDigest(lookupKey, 'kyc-audit-lookup', userId);
}

/** A fresh pseudonym: random, so it carries nothing of the user id. */
function newPseudonym(): string {
  return `p_${randomBytes(16).toString('base64url')}`;
}

/**
 * The user's subject row, locked for the rest of the transaction (`FOR UPDATE`): the chain's one writer at
 * a time. Created first when `create` is set and none exists; two transactions creating it together end
 * with one row (the second's insert waits on the unique lookup, then does nothing).
 */
export async function lockSubject(
  tx: Queryable,
  lookup: Buffer,
  options: { create: boolean; now: Date },
): Promise<SubjectRow | undefined> {
  if (options.create) {
    await tx.query(
      `INSERT INTO audit_subjects (pseudonym, lookup, subject_key, created_at)
       VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000))
       ON CONFLICT (lookup) DO NOTHING`,
      [newPseudonym(), lookup, randomBytes(32), options.now.getTime()],
    );
  }
  const { rows } = await tx.query(
    `SELECT ${SUBJECT_COLUMNS} FROM audit_subjects WHERE lookup = $1 FOR UPDATE`,
    [lookup],
  );
  return rows[0] === undefined ? undefined : subjectRowSchema.parse(rows[0]);
}

/** A subject row by pseudonym, locked as `lockSubject` locks it; erased subjects too. */
export async function lockSubjectByPseudonym(
  tx: Queryable,
  pseudonym: string,
): Promise<SubjectRow | undefined> {
  const { rows } = await tx.query(
    `SELECT ${SUBJECT_COLUMNS} FROM audit_subjects WHERE pseudonym = $1 FOR UPDATE`,
    [pseudonym],
  );
  return rows[0] === undefined ? undefined : subjectRowSchema.parse(rows[0]);
}

/** The subject row of a user id, unlocked (readers). */
export async function findSubject(db: Queryable, lookup: Buffer): Promise<SubjectRow | undefined> {
  const { rows } = await db.query(`SELECT ${SUBJECT_COLUMNS} FROM audit_subjects WHERE lookup = $1`, [
    lookup,
  ]);
  return rows[0] === undefined ? undefined : subjectRowSchema.parse(rows[0]);
}
