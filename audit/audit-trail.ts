import type { Appended } from './append';
import { appendLocked } from './append';
import type { CheckpointChain, CheckpointMismatch } from './checkpoint';
import { compareWithCheckpoint } from './checkpoint';
import type { AuditDatabase } from './database';
import type { ErasureResult } from './erase';
import { destroySubjectKey, eraseLocked } from './erase';
import type { HoldDuration } from './hold';
import { DEFAULT_HOLD } from './hold';
import type { AuditKeys } from './keys';
import type { Trail } from './read';
import { exportLines, readTrail } from './read';
import type { AuditRecord } from './records';
import { pseudonymRowSchema } from './rows';
import { findSubject, lockSubject, lockSubjectByPseudonym, lookupOf } from './subjects';
import type { ChainReport } from './verify';
import { verifyAll, verifyChain } from './verify';

/** The audit trail over one database, with its keys and its hold. See the methods. */
export interface AuditTrail {
  /**
   * Appends `record` to the user's chain (created on first use) at `at` (now by default). A retry with the
   * same `idempotencyKey` writes nothing and returns the first append's position.
   */
  append(
    userId: string,
    record: AuditRecord,
    options: { idempotencyKey: string; at?: Date },
  ): Promise<Appended>;
  /** The user's records, free text opened; undefined when the trail knows no such user (or erased them). */
  trail(userId: string): Promise<Trail | undefined>;
  /** A subject's records by pseudonym: after erasure, what still answers "why" (free text sealed). */
  trailOf(pseudonym: string): Promise<Trail | undefined>;
  /** Every chain, or one by pseudonym: each with its first bad row, if any, and why. */
  verify(pseudonym?: string): Promise<ChainReport[]>;
  /**
   * What differs from a checkpoint kept outside the database, chain by chain (only the mismatches, in its
   * order): rows deleted from a chain's end, or a whole chain, leave a prefix that `verify` passes.
   */
  compareCheckpoint(chains: readonly CheckpointChain[]): Promise<CheckpointMismatch[]>;
  /** JSON lines of every record since `since`, by pseudonym, for a regulator. */
  exportSince(since: Date): AsyncGenerator<string>;
  /**
   * Erases the user: at once when the hold has ended (`holdUntil`, else the configured hold after the last
   * case ended), else records the request and when it will happen; says which.
   */
  erase(userId: string, options: { now: Date; holdUntil?: Date }): Promise<ErasureResult>;
  /**
   * Destroys one subject's key if its erasure's hold has ended by `now` (its record keeping, workflows/
   * record-keeping.ts, asks for its own pseudonym only); says what it found. Repeating it is harmless.
   */
  destroyIfDue(pseudonym: string, now: Date): Promise<KeyDestruction>;
  /** Performs every erasure whose hold has ended by `now`; returns the pseudonyms it destroyed. */
  destroyDue(now: Date): Promise<string[]>;
}

/**
 * What `destroyIfDue` found: it destroyed the key (`destroyed`), the key was gone already (`erased_before`:
 * an earlier run, or an erasure at once after the hold), the hold has not ended (`not_due`), no erasure
 * was asked (`not_requested`), or no subject has this pseudonym (`unknown`).
 */
export type KeyDestruction = 'destroyed' | 'erased_before' | 'not_due' | 'not_requested' | 'unknown';

export function createAuditTrail(options: {
  db: AuditDatabase;
  keys: AuditKeys;
  hold?: HoldDuration;
}): AuditTrail {
  const { db, keys } = options;
  const hold = options.hold ?? DEFAULT_HOLD;
  const lookup = (userId: string) => lookupOf(keys.lookupKey, userId);
  const destroyIfDue = (pseudonym: string, now: Date): Promise<KeyDestruction> =>
    db.transaction(async (tx) => {
      // Locked and read here, not trusted from an earlier read: another process may have destroyed the key,
      // or a new request moved the hold, meanwhile.
      const subject = await lockSubjectByPseudonym(tx, pseudonym);
      if (!subject) return 'unknown';
      if (subject.subject_key === null) return 'erased_before';
      if (subject.erase_after_ms === null) return 'not_requested';
      if (subject.erase_after_ms > now.getTime()) return 'not_due';
      await destroySubjectKey(tx, keys, subject, now);
      return 'destroyed';
    });
  return {
    append: (userId, record, { idempotencyKey, at = new Date() }) =>
      db.transaction(async (tx) => {
        const subject = await lockSubject(tx, lookup(userId), { create: true, now: at });
        if (!subject) throw new Error('the subject row was not created');
        return appendLocked(tx, keys, subject, { record, idempotencyKey, at });
      }),
    trail: async (userId) => {
      const subject = await findSubject(db, lookup(userId));
      return subject && readTrail(db, subject.pseudonym, subject.subject_key);
    },
    trailOf: (pseudonym) =>
      db.transaction(async (tx) => {
        const subject = await lockSubjectByPseudonym(tx, pseudonym);
        return subject && readTrail(tx, subject.pseudonym, subject.subject_key);
      }),
    verify: async (pseudonym) => (pseudonym ? [await verifyChain(db, keys, pseudonym)] : verifyAll(db, keys)),
    compareCheckpoint: (chains) => compareWithCheckpoint(db, chains),
    exportSince: (since) => exportLines(db, since),
    erase: (userId, { now, holdUntil }) =>
      db.transaction(async (tx) => {
        const subject = await lockSubject(tx, lookup(userId), { create: false, now });
        if (!subject) return { outcome: 'unknown' } as const;
        return eraseLocked(tx, keys, subject, { now, hold, ...(holdUntil && { holdUntil }) });
      }),
    destroyIfDue,
    destroyDue: async (now) => {
      const { rows } = await db.query(
        `SELECT pseudonym FROM audit_subjects
         WHERE erased_at IS NULL AND erase_after <= to_timestamp($1::double precision / 1000)
         ORDER BY erase_after`,
        [now.getTime()],
      );
      const destroyed: string[] = [];
      for (const raw of rows) {
        const { pseudonym } = pseudonymRowSchema.parse(raw);
        if ((await destroyIfDue(pseudonym, now)) === 'destroyed') destroyed.push(pseudonym);
      }
      return destroyed;
    },
  };
}
