import { decodeBody } from './body';
import { chainHash, GENESIS, headSignatureValid } from './chain';
import type { Queryable } from './database';
import type { AuditKeys } from './keys';
import type { RecordRow } from './rows';
import { pseudonymRowSchema, RECORD_COLUMNS, recordRowSchema } from './rows';
import type { RunFlag } from './run-flags';
import { RunScan } from './run-flags';

/** Why a row fails verification. */
export type BadRowReason =
  | 'sequence' // a row is missing before this one, or numbered twice
  | 'body' // the stored bytes are not a record, or name another chain, position or time than the row
  | 'hash' // the stored chain head is not SHA-256(previous head || these bytes): the row was edited
  | 'unknown-key' // signed by a key this verifier does not accept
  | 'signature'; // the head is not signed by the key it names: edited, and the hashes after it recomputed

/**
 * One chain's result: how many rows it has, the first bad one (the rows after it are not trusted), and the
 * runs that wrote it which were ended or reset outside the engine (audit/run-flags.ts). The trail alone knows
 * `reset` runs and the open run; a caller with a Temporal client adds the flags only Temporal can tell.
 */
export interface ChainReport {
  pseudonym: string;
  rows: number;
  /**
   * Hex of the stored chain hash of the last row, on chains with rows: what a checkpoint kept outside the
   * database anchors (audit/checkpoint.ts). Trusted only when `firstBad` is absent.
   */
  head?: string;
  firstBad?: { seq: number; reason: BadRowReason; detail: string };
  /** Not tampering: the rows verify; each flag names a run whose trail may stop short. */
  flags: RunFlag[];
  /** The latest case run of the chain without a closing record (running, or ended outside the engine). */
  openRun?: string;
}

/** What is wrong with `row` when it follows a row whose head was `previous`, or undefined. */
function checkRow(
  keys: AuditKeys,
  row: RecordRow,
  expectedSeq: number,
  previous: Buffer,
): ChainReport['firstBad'] {
  const bad = (reason: BadRowReason, detail: string) => ({ seq: row.seq, reason, detail });
  if (row.seq !== expectedSeq) return bad('sequence', `expected row ${expectedSeq}, found row ${row.seq}`);
  const body = decodeBody(row.body);
  if (typeof body === 'string') return bad('body', body);
  if (body.pseudonym !== row.pseudonym || body.seq !== row.seq)
    return bad('body', `the body names chain ${body.pseudonym} row ${body.seq}`);
  if (Date.parse(body.at) !== row.occurred_ms)
    return bad('body', `the body's time ${body.at} is not the row's`);
  if (!chainHash(previous, row.body).equals(row.chain_hash))
    return bad('hash', 'the stored head is not the hash of the previous head and these bytes');
  const key = keys.verifying.get(row.key_id);
  if (key === undefined) return bad('unknown-key', `no accepted public key has id ${row.key_id}`);
  if (!headSignatureValid(key, row.chain_hash, row.signature))
    return bad('signature', `the head is not signed by key ${row.key_id}`);
  return undefined;
}

/** Checks one chain, row after row, from its first row. */
export async function verifyChain(db: Queryable, keys: AuditKeys, pseudonym: string): Promise<ChainReport> {
  const { rows } = await db.query(
    `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE pseudonym = $1 ORDER BY seq`,
    [pseudonym],
  );
  let previous: Buffer = GENESIS;
  let expected = 1;
  // Only rows that verified say which runs wrote the chain.
  const runs = new RunScan();
  const last = rows.at(-1);
  const head = last === undefined ? undefined : recordRowSchema.parse(last).chain_hash.toString('hex');
  const report = (firstBad?: ChainReport['firstBad']): ChainReport => {
    const { openRun } = runs;
    return {
      pseudonym,
      rows: rows.length,
      ...(head !== undefined && { head }),
      ...(firstBad && { firstBad }),
      flags: runs.flags,
      ...(openRun !== undefined && { openRun }),
    };
  };
  for (const raw of rows) {
    const row = recordRowSchema.parse(raw);
    const firstBad = checkRow(keys, row, expected, previous);
    if (firstBad) return report(firstBad);
    const body = decodeBody(row.body);
    if (typeof body !== 'string') runs.take(body);
    previous = row.chain_hash;
    expected += 1;
  }
  return report();
}

/** Every chain (each subject's, erased ones included), one report each, in pseudonym order. */
export async function verifyAll(db: Queryable, keys: AuditKeys): Promise<ChainReport[]> {
  const { rows } = await db.query('SELECT pseudonym FROM audit_subjects ORDER BY pseudonym');
  const reports: ChainReport[] = [];
  for (const raw of rows) reports.push(await verifyChain(db, keys, pseudonymRowSchema.parse(raw).pseudonym));
  return reports;
}
