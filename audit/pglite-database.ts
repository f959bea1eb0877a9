import { PGlite } from '@electric-sql/pglite';
import type { AuditDatabase } from './database';

/**
 * The audit trail on embedded PostgreSQL (PGlite), in memory or in a data directory. PGlite is one
 * connection in one process: its transactions already run one after another, so the chain's row lock is
 * uncontended there; other processes reach this database through the process that opened it.
 */
export function pgliteDatabase(db: Pick<PGlite, 'query' | 'transaction' | 'close'>): AuditDatabase {
  return {
    query: async (sql, params = []) => ({ rows: (await db.query(sql, [...params])).rows }),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({ query: async (sql, params = []) => ({ rows: (await tx.query(sql, [...params])).rows }) }),
      ),
    close: () => db.close(),
  };
}

/**
 * Opens PGlite in `dataDir` (created on first use), or in memory without one. The WebAssembly build is
 * read only here, when a database is opened: processes on `pg` load the module and nothing more.
 */
export async function openPglite(dataDir?: string): Promise<AuditDatabase> {
  const db = new PGlite(dataDir);
  await db.waitReady;
  return pgliteDatabase(db);
}
