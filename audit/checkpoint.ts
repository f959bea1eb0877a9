import { z } from 'zod';
import type { Queryable } from './database';
import { bytes } from './rows';

/**
 * A checkpoint: each chain's row count and head (hex of its last row's chain hash) at one time, taken from a
 * verification (`ChainReport`) and kept outside the database by an operator or a regulator. Signatures find
 * an edited row; only such an anchor finds rows deleted from a chain's end, or a whole chain deleted, since
 * what is left is a valid prefix. A chain has only grown since when its row at the checkpoint's count still
 * has the checkpoint's head.
 */
export interface CheckpointChain {
  pseudonym: string;
  /** At least 1: a chain without rows anchors nothing. */
  rows: number;
  /** 64 hex digits: SHA-256, as `ChainReport.head`. */
  head: string;
}

/**
 * Tampering a checkpoint finds in a chain: `missing` (no row of it is left), `shortened` (fewer rows now:
 * rows deleted from its end), `rewritten` (the row at the checkpoint's count has another head, or is gone
 * while later rows exist: an earlier row was changed and the chain re-hashed, or renumbered).
 */
export type CheckpointFinding = 'missing' | 'shortened' | 'rewritten';
export const CHECKPOINT_FINDINGS = [
  'missing',
  'shortened',
  'rewritten',
] as const satisfies readonly CheckpointFinding[];

export interface CheckpointMismatch {
  pseudonym: string;
  finding: CheckpointFinding;
  /** What was found, in numbers: no data of the chain's records. */
  detail: string;
}

/** The chain's last row number now (NULL: no row) and the head of its row at the checkpoint's count. */
const nowRowSchema = z.object({ last_seq: z.coerce.number().int().nullable(), head: bytes.nullable() });

/** What differs in one chain from its checkpoint, or undefined: one statement, both lookups on the primary key. */
export async function compareChain(
  db: Queryable,
  chain: CheckpointChain,
): Promise<CheckpointMismatch | undefined> {
  const { rows } = await db.query(
    `SELECT (SELECT max(seq) FROM audit_records WHERE pseudonym = $1) AS last_seq,
            (SELECT chain_hash FROM audit_records WHERE pseudonym = $1 AND seq = $2) AS head`,
    [chain.pseudonym, chain.rows],
  );
  const now = nowRowSchema.parse(rows[0]);
  const found = (finding: CheckpointFinding, detail: string) => ({
    pseudonym: chain.pseudonym,
    finding,
    detail,
  });
  if (now.last_seq === null) return found('missing', `no row is left of the ${chain.rows} checkpointed`);
  if (now.last_seq < chain.rows)
    return found('shortened', `${now.last_seq} rows now, ${chain.rows} at the checkpoint`);
  if (now.head === null) return found('rewritten', `row ${chain.rows} is gone, later rows are not`);
  if (now.head.toString('hex') !== chain.head.toLowerCase())
    return found('rewritten', `row ${chain.rows} has another head than at the checkpoint`);
  return undefined;
}

/** Every chain of a checkpoint compared with the database, in the checkpoint's order; only the mismatches. */
export async function compareWithCheckpoint(
  db: Queryable,
  chains: readonly CheckpointChain[],
): Promise<CheckpointMismatch[]> {
  const mismatches: CheckpointMismatch[] = [];
  for (const chain of chains) {
    const mismatch = await compareChain(db, chain);
    if (mismatch) mismatches.push(mismatch);
  }
  return mismatches;
}
