import type { AuditDatabase, AuditKeys, AuditTrail, CheckpointChain } from '../../audit';
import { compareWithCheckpoint, createAuditTrail, migrate } from '../../audit';
import { chainHash, GENESIS, signHead } from '../../audit/chain';
import { newAuditKeys } from './audit-keys';
import { embeddedDatabase } from './embedded-postgres';
import { rowsOfChain, setColumn } from './tamper';

/**
 * A checkpoint kept outside the database against the trail as an attacker with database access leaves it:
 * a grown chain is fine; rows deleted from a chain's end, a chain deleted, and a row rewritten with every
 * hash and signature recomputed (the signing key stolen too) are each named. The real trail on PGlite.
 */
let db: AuditDatabase;
let keys: AuditKeys;
let audit: AuditTrail;
beforeAll(async () => {
  db = await embeddedDatabase();
  await migrate(db);
  keys = newAuditKeys();
  audit = createAuditTrail({ db, keys });
}, 120_000);
afterAll(() => db?.close());

let minute = 0;
/** Appends `count` records to the user's chain, a minute apart; returns its pseudonym. */
async function grow(userId: string, count: number): Promise<string> {
  let pseudonym = '';
  for (let index = 0; index < count; index += 1) {
    minute += 1;
    const at = new Date(Date.parse('2026-05-04T09:00:00.000Z') + minute * 60_000);
    const status = index % 2 === 0 ? 'pending' : 'passed';
    const written = await audit.append(
      userId,
      { kind: 'kriptomat.status_read', data: { status } },
      { idempotencyKey: `k${minute}`, at },
    );
    pseudonym = written.pseudonym;
  }
  return pseudonym;
}

/** The checkpoint of every chain with rows, as `kyc audit verify --checkpoint-out` takes it. */
async function checkpoint(): Promise<CheckpointChain[]> {
  const reports = await audit.verify();
  expect(reports.filter((report) => report.firstBad)).toEqual([]);
  return reports.flatMap(({ pseudonym, rows, head }) => (head ? [{ pseudonym, rows, head }] : []));
}

const deleteRows = (pseudonym: string, fromSeq: number) =>
  db.query('DELETE FROM audit_records WHERE pseudonym = $1 AND seq >= $2', [pseudonym, fromSeq]);

it("holds each chain's row count and the hex of its last row's chain hash", async () => {
  const pseudonym = await grow('640120001', 3);
  const rows = await rowsOfChain(db, pseudonym);
  expect((await checkpoint()).find((chain) => chain.pseudonym === pseudonym)).toEqual({
    pseudonym,
    rows: 3,
    head: rows[2]?.chain_hash.toString('hex'),
  });
});

it('finds nothing in a chain that only grew, and names a shortened, a deleted and a rewritten chain', async () => {
  const grown = await grow('640120011', 3);
  const shortened = await grow('640120012', 3);
  const deleted = await grow('640120013', 2);
  const rewritten = await grow('640120014', 4);
  const untouched = await grow('640120015', 2);
  const taken = await checkpoint();
  expect(await compareWithCheckpoint(db, taken)).toEqual([]);

  await grow('640120011', 2);
  // The newest row deleted: what is left is a valid prefix, so verify finds nothing.
  await deleteRows(shortened, 3);
  // A whole chain deleted, its subject row with it.
  await deleteRows(deleted, 1);
  await db.query('DELETE FROM audit_subjects WHERE pseudonym = $1', [deleted]);
  // Row 2 changed and every head from it re-hashed and re-signed with the signing key: verify finds nothing.
  await setColumn(db, rewritten, 2, 'body', (body) =>
    Buffer.from(body.toString('utf8').replace('"passed"', '"failed"'), 'utf8'),
  );
  const rows = await rowsOfChain(db, rewritten);
  let previous = rows[0]?.chain_hash ?? GENESIS;
  for (const row of rows.filter((candidate) => candidate.seq >= 2)) {
    const head = chainHash(previous, row.body);
    await setColumn(db, rewritten, row.seq, 'chain_hash', () => head);
    await setColumn(db, rewritten, row.seq, 'signature', () => signHead(keys.signing.privateKey, head));
    previous = head;
  }
  const reports = await audit.verify();
  expect(reports.filter((report) => report.firstBad)).toEqual([]);
  expect(reports.find((report) => report.pseudonym === grown)?.rows).toBe(5);

  // In the checkpoint's order, which is pseudonym order; pseudonyms are random.
  const expected = [
    { pseudonym: shortened, finding: 'shortened', detail: '2 rows now, 3 at the checkpoint' },
    { pseudonym: deleted, finding: 'missing', detail: 'no row is left of the 2 checkpointed' },
    { pseudonym: rewritten, finding: 'rewritten', detail: 'row 4 has another head than at the checkpoint' },
  ].sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : 1));
  expect(await compareWithCheckpoint(db, taken)).toEqual(expected);
  // A new checkpoint anchors the trail as it is now; the untouched chain was never named.
  expect(await compareWithCheckpoint(db, await checkpoint())).toEqual([]);
  expect(taken.some((chain) => chain.pseudonym === untouched)).toBe(true);
});

it('names a chain whose checkpointed row is gone while later rows are left (renumbered)', async () => {
  const pseudonym = await grow('640120021', 3);
  const taken = (await checkpoint()).filter((chain) => chain.pseudonym === pseudonym);
  await grow('640120021', 1);
  await db.query('DELETE FROM audit_records WHERE pseudonym = $1 AND seq = 3', [pseudonym]);
  expect(await compareWithCheckpoint(db, taken)).toEqual([
    { pseudonym, finding: 'rewritten', detail: 'row 3 is gone, later rows are not' },
  ]);
});
