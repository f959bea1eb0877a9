import type { Appended } from './append';
import { appendLocked } from './append';
import type { Queryable } from './database';
import type { HoldDuration } from './hold';
import { holdEnds } from './hold';
import type { AuditKeys } from './keys';
import type { SubjectRow } from './rows';

/** What an erasure request did. */
export type ErasureResult =
  | { outcome: 'erased'; pseudonym: string; erasedAt: Date }
  | { outcome: 'scheduled'; pseudonym: string; eraseAfter: Date }
  /** No subject for this user id: never recorded, or erased before. */
  | { outcome: 'unknown' };

/**
 * Destroys the subject's key and lookup value at once, after recording that it did (the last record its key
 * writes). The rows stay and still verify; nothing in them leads back to the person any more, and their free
 * text no longer opens.
 */
export async function destroySubjectKey(
  tx: Queryable,
  keys: AuditKeys,
  subject: SubjectRow,
  now: Date,
): Promise<Appended> {
  const appended = await appendLocked(tx, keys, subject, {
    record: { kind: 'erasure.done', data: {} },
    idempotencyKey: 'erasure.done',
    at: now,
  });
  await tx.query(
    `UPDATE audit_subjects
     SET subject_key = NULL, lookup = NULL, erased_at = to_timestamp($2::double precision / 1000)
     WHERE pseudonym = $1`,
    [subject.pseudonym, now.getTime()],
  );
  return appended;
}

/**
 * When the hold on `subject` ends: `holdUntil` when the caller names one, else the configured hold after
 * the user's last case ended (after `now` when no case end was recorded: the relationship ends now).
 */
export function eraseAfter(subject: SubjectRow, hold: HoldDuration, now: Date, holdUntil?: Date): Date {
  if (holdUntil) return holdUntil;
  return holdEnds(new Date(subject.last_case_ended_ms ?? now.getTime()), hold);
}

/** Erases now when the hold has ended, else records the request and the date it will happen. */
export async function eraseLocked(
  tx: Queryable,
  keys: AuditKeys,
  subject: SubjectRow,
  options: { now: Date; hold: HoldDuration; holdUntil?: Date },
): Promise<ErasureResult> {
  const due = eraseAfter(subject, options.hold, options.now, options.holdUntil);
  if (due.getTime() <= options.now.getTime()) {
    await destroySubjectKey(tx, keys, subject, options.now);
    return { outcome: 'erased', pseudonym: subject.pseudonym, erasedAt: options.now };
  }
  await appendLocked(tx, keys, subject, {
    record: { kind: 'erasure.requested', data: { eraseAfter: due.toISOString() } },
    idempotencyKey: `erasure.requested:${due.toISOString()}`,
    at: options.now,
  });
  await tx.query(
    `UPDATE audit_subjects
     SET erase_after = to_timestamp($2::double precision / 1000),
         erasure_requested_at = to_timestamp($3::double precision / 1000)
     WHERE pseudonym = $1`,
    [subject.pseudonym, due.getTime(), options.now.getTime()],
  );
  return { outcome: 'scheduled', pseudonym: subject.pseudonym, eraseAfter: due };
}
