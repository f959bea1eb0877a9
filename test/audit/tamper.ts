import { z } from 'zod';
import type { Queryable } from '../../audit';

const bytes = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array)
  .transform((value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength));
const chainRow = z.object({
  seq: z.coerce.number().int(),
  body: bytes,
  chain_hash: bytes,
  signature: bytes,
});

/** A chain's rows as an attacker with database access reads them. */
export async function rowsOfChain(db: Queryable, pseudonym: string): Promise<z.infer<typeof chainRow>[]> {
  const { rows } = await db.query(
    'SELECT seq, body, chain_hash, signature FROM audit_records WHERE pseudonym = $1 ORDER BY seq',
    [pseudonym],
  );
  return rows.map((row) => chainRow.parse(row));
}

/** Overwrites one bytea column of one row, as an attacker with database access would. */
export async function setColumn(
  db: Queryable,
  pseudonym: string,
  seq: number,
  column: 'body' | 'chain_hash' | 'signature',
  change: (value: Buffer) => Buffer,
): Promise<void> {
  const [row] = (await rowsOfChain(db, pseudonym)).filter((candidate) => candidate.seq === seq);
  if (!row) throw new Error(`no row ${seq} in ${pseudonym}`);
  await db.query(`UPDATE audit_records SET ${column} = $3 WHERE pseudonym = $1 AND seq = $2`, [
    pseudonym,
    seq,
    change(row[column]),
  ]);
}

const tableRow = z.object({ table_name: z.string() });
const countRow = z.object({ n: z.coerce.number() });

/**
 * The tables of the current schema in which `text` appears anywhere: in any column as PostgreSQL prints the
 * row (text, timestamps, numbers), or as the bytes of its UTF-8 inside a bytea (printed as hex).
 */
export async function textFoundIn(db: Queryable, text: string): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const hex = Buffer.from(text, 'utf8').toString('hex');
  const found: string[] = [];
  for (const raw of rows) {
    const table = tableRow.parse(raw).table_name;
    const result = await db.query(
      `SELECT count(*) AS n FROM "${table}" t WHERE t::text LIKE $1 OR t::text LIKE $2`,
      [`%${text}%`, `%${hex}%`],
    );
    if (countRow.parse(result.rows[0]).n > 0) found.push(table);
  }
  return found;
}

/** Hex of the chain hash of a chain's last row: the `head` its verification report names. */
export async function headOf(db: Queryable, pseudonym: string): Promise<string | undefined> {
  return (await rowsOfChain(db, pseudonym)).at(-1)?.chain_hash.toString('hex');
}

/** Deletes a chain's newest row, as an attacker with database access would: what is left still verifies. */
export async function deleteNewestRow(db: Queryable, pseudonym: string): Promise<number> {
  const newest = (await rowsOfChain(db, pseudonym)).at(-1);
  if (!newest) throw new Error(`no row in ${pseudonym}`);
  await db.query('DELETE FROM audit_records WHERE pseudonym = $1 AND seq = $2', [pseudonym, newest.seq]);
  return newest.seq;
}
