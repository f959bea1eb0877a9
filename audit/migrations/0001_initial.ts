/**
 * The trail's first schema. No column holds a user id, a name or any other personal data in clear:
 * - `audit_subjects`: one row per person the trail is about. `pseudonym` is random, so it says nothing of the
 *   user; `lookup` (HMAC-SHA256 of the user id under a key kept outside the database) finds the row from a
 *   user id; `subject_key` (32 random bytes) encrypts the free text of the person's records. Erasure sets
 *   both to NULL: the rows stay, nothing leads back to the person. The row is also the chain's lock.
 * - `audit_records`: the chain of one subject, `seq` 1, 2, 3, ... `body` is the record as stored (JSON bytes,
 *   free text sealed); `chain_hash` = SHA-256(previous chain_hash || body); `signature` signs `chain_hash`
 *   with the audit key `key_id`. `idempotency_digest` (HMAC of the caller's key under the subject key) makes
 *   a retried append find its first row without storing a key that may name the user.
 */
export const MIGRATION_0001 = [
  `CREATE TABLE audit_subjects (
     pseudonym text PRIMARY KEY,
     lookup bytea UNIQUE,
     subject_key bytea,
     created_at timestamptz NOT NULL,
     last_case_ended_at timestamptz,
     erasure_requested_at timestamptz,
     erase_after timestamptz,
     erased_at timestamptz,
     CHECK ((lookup IS NULL) = (subject_key IS NULL)),
     CHECK ((erased_at IS NULL) = (subject_key IS NOT NULL))
   )`,
  `CREATE INDEX audit_subjects_erase_due ON audit_subjects (erase_after) WHERE erased_at IS NULL`,
  `CREATE TABLE audit_records (
     pseudonym text NOT NULL REFERENCES audit_subjects (pseudonym),
     seq bigint NOT NULL CHECK (seq >= 1),
     occurred_at timestamptz NOT NULL,
     idempotency_digest bytea NOT NULL,
     body bytea NOT NULL,
     chain_hash bytea NOT NULL,
     key_id text NOT NULL,
     signature bytea NOT NULL,
     PRIMARY KEY (pseudonym, seq),
     UNIQUE (pseudonym, idempotency_digest)
   )`,
  `CREATE INDEX audit_records_occurred_at ON audit_records (occurred_at)`,
] as const;
