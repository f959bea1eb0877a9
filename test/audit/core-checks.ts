import type { AuditDatabase, AuditKeys, AuditTrail } from '../../audit';
import { createAuditTrail, migrate, MIGRATIONS } from '../../audit';
import { chainHash, GENESIS } from '../../audit/chain';
import { exportLines } from '../../audit/read';
import { newAuditKeys } from './audit-keys';
import { headOf, rowsOfChain, setColumn, textFoundIn } from './tamper';

/**
 * The checks every database of the trail must pass, PGlite in the unit tier and PostgreSQL in the
 * integration tier: one database per file, each test on users of its own, every time given explicitly.
 * User ids are long enough that their digits never turn up by chance in the hex of random bytes.
 */
export function auditCoreChecks(open: () => Promise<AuditDatabase>): void {
  let db: AuditDatabase;
  let keys: AuditKeys;
  let audit: AuditTrail;
  const at = (iso: string) => new Date(iso);
  /** The chains this file edits on purpose; every other one must verify. */
  const tampered = new Set<string>();

  beforeAll(async () => {
    db = await open();
    expect(await migrate(db)).toEqual(MIGRATIONS.map(({ version }) => version));
    keys = newAuditKeys();
    audit = createAuditTrail({ db, keys });
  }, 120_000);
  afterAll(() => db?.close());

  /** Appends a case's usual records for `userId` from `start`, a minute apart. */
  async function aCase(userId: string, start: string): Promise<string> {
    const t0 = Date.parse(start);
    const when = (minutes: number) => ({ at: new Date(t0 + minutes * 60_000) });
    await audit.append(userId, { kind: 'case.started', data: {} }, { idempotencyKey: 'start', ...when(0) });
    await audit.append(
      userId,
      { kind: 'kriptomat.status_read', data: { status: 'not_started' } },
      { idempotencyKey: 'read-1', ...when(1) },
    );
    await audit.append(
      userId,
      { kind: 'sumsub.review_read', data: { reviewAnswer: 'GREEN' } },
      { idempotencyKey: 'review-1', ...when(2) },
    );
    await audit.append(
      userId,
      {
        kind: 'operator.action',
        data: { operator: 'ops.anna', action: 'retry' },
        text: { reason: `user ${userId} called` },
      },
      { idempotencyKey: 'op-1', ...when(3) },
    );
    await audit.append(
      userId,
      { kind: 'case.decided', data: { outcome: 'approved' } },
      { idempotencyKey: 'decided', ...when(4) },
    );
    const ended = await audit.append(
      userId,
      { kind: 'case.ended', data: { outcome: 'approved' } },
      { idempotencyKey: 'ended', ...when(5) },
    );
    return ended.pseudonym;
  }

  it('applies the schema once: a second migration is a no-op', async () => {
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.query('SELECT version FROM audit_schema_migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
  });

  it('chains and signs every row, and reads the trail back with its free text', async () => {
    const pseudonym = await aCase('731048001', '2026-03-03T09:00:00.000Z');
    expect(await audit.verify(pseudonym)).toEqual([
      { pseudonym, rows: 6, head: await headOf(db, pseudonym), flags: [] },
    ]);
    const trail = await audit.trail('731048001');
    expect(trail?.pseudonym).toBe(pseudonym);
    expect(trail?.entries.map((entry) => entry.kind)).toEqual([
      'case.started',
      'kriptomat.status_read',
      'sumsub.review_read',
      'operator.action',
      'case.decided',
      'case.ended',
    ]);
    expect(trail?.entries[3]).toEqual({
      seq: 4,
      at: '2026-03-03T09:03:00.000Z',
      kind: 'operator.action',
      data: { operator: 'ops.anna', action: 'retry' },
      text: { reason: 'user 731048001 called' },
    });
    expect(pseudonym).not.toContain('731048001');
    // The free text is sealed in the database: the user id in the reason is nowhere in clear.
    expect(await textFoundIn(db, '731048001')).toEqual([]);
  });

  it('names the chain and the row of an edited body', async () => {
    const pseudonym = await aCase('731048002', '2026-03-04T09:00:00.000Z');
    tampered.add(pseudonym);
    await setColumn(db, pseudonym, 5, 'body', (body) =>
      Buffer.from(body.toString('utf8').replace('"approved"', '"rejected"'), 'utf8'),
    );
    const report = (await audit.verify()).find((chain) => chain.pseudonym === pseudonym);
    expect(report).toMatchObject({ pseudonym, rows: 6, firstBad: { seq: 5, reason: 'hash' } });
  });

  it('names the edited row even when every hash after it was recomputed: its signature fails', async () => {
    const pseudonym = await aCase('731048003', '2026-03-05T09:00:00.000Z');
    tampered.add(pseudonym);
    const rows = await rowsOfChain(db, pseudonym);
    let previous: Buffer = GENESIS;
    for (const row of rows) {
      const body =
        row.seq === 3 ? Buffer.from(row.body.toString('utf8').replace('"GREEN"', '"RED"'), 'utf8') : row.body;
      const hash = chainHash(previous, body);
      if (row.seq >= 3) {
        await setColumn(db, pseudonym, row.seq, 'body', () => body);
        await setColumn(db, pseudonym, row.seq, 'chain_hash', () => hash);
      }
      previous = hash;
    }
    const [report] = await audit.verify(pseudonym);
    expect(report).toMatchObject({ pseudonym, firstBad: { seq: 3, reason: 'signature' } });
    // verify of every chain names this one, and no chain this file left alone.
    const bad = (await audit.verify()).filter((chain) => chain.firstBad).map((chain) => chain.pseudonym);
    expect(bad).toContain(pseudonym);
    expect(bad.filter((chain) => !tampered.has(chain))).toEqual([]);
  });

  it('names the row after a deleted one, and a renumbered deletion by its signature', async () => {
    const gap = await aCase('731048010', '2026-03-11T09:00:00.000Z');
    const renumbered = await aCase('731048011', '2026-03-11T10:00:00.000Z');
    tampered.add(gap).add(renumbered);
    await db.query('DELETE FROM audit_records WHERE pseudonym = $1 AND seq = 4', [gap]);
    expect(await audit.verify(gap)).toMatchObject([
      { pseudonym: gap, firstBad: { seq: 5, reason: 'sequence' } },
    ]);
    // Row 4 removed, the rows after it renumbered, their bodies rewritten and rehashed: only a signature can tell.
    await db.query('DELETE FROM audit_records WHERE pseudonym = $1 AND seq = 4', [renumbered]);
    let previous: Buffer = (await rowsOfChain(db, renumbered)).find((row) => row.seq === 3)!.chain_hash;
    for (const seq of [5, 6]) {
      const row = (await rowsOfChain(db, renumbered)).find((candidate) => candidate.seq === seq)!;
      const body = Buffer.from(row.body.toString('utf8').replace(`"seq":${seq}`, `"seq":${seq - 1}`), 'utf8');
      previous = chainHash(previous, body);
      await db.query(
        'UPDATE audit_records SET seq = $3, body = $4, chain_hash = $5 WHERE pseudonym = $1 AND seq = $2',
        [renumbered, seq, seq - 1, body, previous],
      );
    }
    expect(await audit.verify(renumbered)).toMatchObject([
      { pseudonym: renumbered, rows: 5, firstBad: { seq: 4, reason: 'signature' } },
    ]);
  });

  it('verifies rows signed before a key rotation while the old public key is listed, and names the key when not', async () => {
    const signedBefore = await audit.append(
      '731048012',
      { kind: 'case.decided', data: { outcome: 'approved' } },
      { idempotencyKey: 'decided', at: at('2026-03-12T09:00:00.000Z') },
    );
    const rotated = newAuditKeys('audit-2');
    const oldPublic = keys.verifying.get('audit-1');
    if (!oldPublic) throw new Error('no audit-1 key');
    const withOld = createAuditTrail({
      db,
      keys: {
        ...rotated,
        lookupKey: keys.lookupKey,
        verifying: new Map([...rotated.verifying, ['audit-1', oldPublic]]),
      },
    });
    await withOld.append(
      '731048012',
      { kind: 'case.ended', data: { outcome: 'approved' } },
      { idempotencyKey: 'ended', at: at('2026-03-12T09:01:00.000Z') },
    );
    expect(await withOld.verify(signedBefore.pseudonym)).toEqual([
      {
        pseudonym: signedBefore.pseudonym,
        rows: 2,
        head: await headOf(db, signedBefore.pseudonym),
        flags: [],
      },
    ]);
    const withoutOld = createAuditTrail({ db, keys: { ...rotated, lookupKey: keys.lookupKey } });
    expect(await withoutOld.verify(signedBefore.pseudonym)).toMatchObject([
      { firstBad: { seq: 1, reason: 'unknown-key', detail: 'no accepted public key has id audit-1' } },
    ]);
  });

  it('writes a retried record once, and returns the first write', async () => {
    const first = await audit.append(
      '731048004',
      { kind: 'notification.sent', data: { eventType: 'case.approved', deliveryId: 'msg_1' } },
      { idempotencyKey: 'notify:msg_1', at: at('2026-03-06T09:00:00.000Z') },
    );
    const retry = await audit.append(
      '731048004',
      { kind: 'notification.sent', data: { eventType: 'case.approved', deliveryId: 'msg_1' } },
      { idempotencyKey: 'notify:msg_1', at: at('2026-03-06T09:00:05.000Z') },
    );
    expect(first).toMatchObject({ seq: 1, created: true });
    expect(retry).toEqual({ ...first, created: false });
    expect((await audit.trail('731048004'))?.entries).toHaveLength(1);
  });

  it('never forks a chain: concurrent appends and retries to one user get one row each, in one chain', async () => {
    const base = Date.parse('2026-03-07T09:00:00.000Z');
    const append = (i: number) =>
      audit.append(
        '731048005',
        { kind: 'kriptomat.status_read', data: { status: 'pending' } },
        { idempotencyKey: `read-${i}`, at: new Date(base + i * 1000) },
      );
    const results = await Promise.all([
      ...Array.from({ length: 24 }, (_, i) => append(i)),
      append(0),
      append(1),
    ]);
    const created = results.filter((result) => result.created).map((result) => result.seq);
    expect([...created].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(new Set(results.map((result) => result.pseudonym)).size).toBe(1);
    expect(await audit.verify(results[0]?.pseudonym)).toEqual([
      {
        pseudonym: results[0]?.pseudonym,
        rows: 24,
        head: await headOf(db, results[0]?.pseudonym ?? ''),
        flags: [],
      },
    ]);
  });

  it('erases at once when the hold has passed: the trail still verifies and answers by pseudonym only', async () => {
    const pseudonym = await aCase('731048006', '2020-01-10T09:00:00.000Z');
    const result = await audit.erase('731048006', { now: at('2026-03-08T09:00:00.000Z') });
    expect(result).toEqual({ outcome: 'erased', pseudonym, erasedAt: at('2026-03-08T09:00:00.000Z') });
    expect(await audit.trail('731048006')).toBeUndefined();
    const kept = await audit.trailOf(pseudonym);
    expect(kept?.erased).toBe(true);
    expect(kept?.entries.map((entry) => entry.kind)).toContain('case.decided');
    expect(kept?.entries.find((entry) => entry.kind === 'operator.action')?.text).toBe('sealed');
    expect(kept?.entries.at(-1)?.kind).toBe('erasure.done');
    expect(await audit.verify(pseudonym)).toEqual([
      { pseudonym, rows: 7, head: await headOf(db, pseudonym), flags: [] },
    ]);
    expect(await textFoundIn(db, '731048006')).toEqual([]);
    // A second request finds nobody: nothing leads from the user id to the records any more.
    expect(await audit.erase('731048006', { now: at('2026-03-08T10:00:00.000Z') })).toEqual({
      outcome: 'unknown',
    });
  });

  it('under a hold, records the request and its date; destroyDue erases once the hold has ended', async () => {
    const pseudonym = await aCase('731048007', '2025-06-01T09:00:00.000Z');
    const eraseAfter = at('2030-06-01T09:05:00.000Z'); // five years after the case ended
    expect(await audit.erase('731048007', { now: at('2026-03-09T09:00:00.000Z') })).toEqual({
      outcome: 'scheduled',
      pseudonym,
      eraseAfter,
    });
    expect((await audit.trail('731048007'))?.entries.at(-1)).toMatchObject({
      kind: 'erasure.requested',
      data: { eraseAfter: eraseAfter.toISOString() },
    });
    expect(await audit.destroyDue(at('2030-06-01T09:04:59.000Z'))).not.toContain(pseudonym);
    expect((await audit.trail('731048007'))?.erased).toBe(false);
    expect(await audit.destroyDue(eraseAfter)).toContain(pseudonym);
    expect(await audit.trail('731048007')).toBeUndefined();
    expect(await audit.verify(pseudonym)).toEqual([
      { pseudonym, rows: 8, head: await headOf(db, pseudonym), flags: [] },
    ]);
    expect(await textFoundIn(db, '731048007')).toEqual([]);
  });

  it('takes an explicit hold end over the default', async () => {
    await aCase('731048008', '2026-03-10T09:00:00.000Z');
    const result = await audit.erase('731048008', {
      now: at('2026-03-10T10:00:00.000Z'),
      holdUntil: at('2026-03-10T09:30:00.000Z'),
    });
    expect(result.outcome).toBe('erased');
  });

  it('exports every record since a date as JSON lines, by pseudonym, that a recipient can check', async () => {
    const pseudonym = await aCase('731048009', '2040-01-01T00:00:00.000Z');
    const lines: string[] = [];
    for await (const line of audit.exportSince(at('2040-01-01T00:02:00.000Z'))) lines.push(line);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => [record.pseudonym, record.seq, record.kind])).toEqual([
      [pseudonym, 3, 'sumsub.review_read'],
      [pseudonym, 4, 'operator.action'],
      [pseudonym, 5, 'case.decided'],
      [pseudonym, 6, 'case.ended'],
    ]);
    expect(lines.join('\n')).not.toContain('731048009');
    // Read a page of one row at a time, the export is the same: no row skipped or repeated between pages.
    const paged: string[] = [];
    for await (const line of exportLines(db, at('2040-01-01T00:02:00.000Z'), 1)) paged.push(line);
    expect(paged).toEqual(lines);
    const first = records[0] as { body: string; chainHash: string };
    expect(first.chainHash).toHaveLength(64);
    expect(Buffer.from(first.body, 'base64').toString('utf8')).toContain('"kind":"sumsub.review_read"');
  });
}
