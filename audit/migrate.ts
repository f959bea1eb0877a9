import { z } from 'zod';
import type { AuditDatabase } from './database';
import { MIGRATION_0001 } from './migrations/0001_initial';

/** Every migration in order; a version once released never changes (a change is a new version). */
export const MIGRATIONS: readonly { version: number; name: string; statements: readonly string[] }[] = [
  { version: 1, name: 'initial', statements: MIGRATION_0001 },
];

/**
 * Held for the whole migration transaction: two processes starting together apply each version once (the
 * second waits, then finds it applied) instead of racing on `CREATE TABLE`.
 */
const LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('kyc-audit:migrations', 0))";

const appliedRow = z.object({ version: z.coerce.number().int() });

/**
 * Brings the schema to the latest version, each version in the same transaction as its record in
 * `audit_schema_migrations`; applying again is a no-op. Returns the versions this call applied.
 */
export async function migrate(db: AuditDatabase): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS audit_schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await tx.query('SELECT version FROM audit_schema_migrations');
    const applied = new Set(rows.map((row) => appliedRow.parse(row).version));
    const done: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO audit_schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
