import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditDatabase } from '../../audit';
import { createAuditTrail, migrate } from '../../audit';
import { newAuditKeys } from './audit-keys';
import { embeddedDatabase } from './embedded-postgres';
import { headOf } from './tamper';

/**
 * PGlite in a data directory, as `npm start` keeps the trail: what one process wrote, the next one opening
 * the directory reads and verifies, and migrating it again changes nothing.
 */
let dir: string;
let db: AuditDatabase | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kyc-audit-'));
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

it('keeps the trail across a close and a reopen of its directory', async () => {
  const keys = newAuditKeys();
  db = await embeddedDatabase(dir);
  expect(await migrate(db)).toEqual([1]);
  const written = await createAuditTrail({ db, keys }).append(
    '731048100',
    { kind: 'case.decided', data: { outcome: 'rejected' } },
    { idempotencyKey: 'decided', at: new Date('2026-03-03T09:00:00Z') },
  );
  const head = await headOf(db, written.pseudonym);
  await db.close();

  db = await embeddedDatabase(dir);
  expect(await migrate(db)).toEqual([]);
  const audit = createAuditTrail({ db, keys });
  expect(await audit.verify()).toEqual([{ pseudonym: written.pseudonym, rows: 1, head, flags: [] }]);
  expect((await audit.trail('731048100'))?.entries[0]).toMatchObject({
    kind: 'case.decided',
    data: { outcome: 'rejected' },
  });
}, 120_000);
