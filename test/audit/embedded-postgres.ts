import Module from 'node:module';
import type * as PgliteModule from '@electric-sql/pglite';
import type { AuditDatabase, AuditTrail } from '../../audit';
import { createAuditTrail, migrate, pgliteDatabase } from '../../audit';
import { newAuditKeys } from './audit-keys';

/**
 * PGlite in this process, for the unit tier. Its CommonJS build starts with dynamic `import()`s of Node
 * built-ins (node:module, fs/promises), which a module in Jest's sandbox may only make under
 * `--experimental-vm-modules`; so the build is loaded by Node's own loader (`Module._load`, which Jest's
 * `module` passes through), outside Jest's registry, where those imports work. Nothing is mocked or
 * transformed in it either way; only this loading differs from production (`openPglite` in audit/).
 */
function loadPglite(): typeof PgliteModule {
  const load = (
    Module as unknown as {
      _load: (request: string, parent: null, isMain: boolean) => unknown;
    }
  )._load;
  return load(require.resolve('@electric-sql/pglite'), null, false) as typeof PgliteModule;
}

/** A fresh embedded database, in memory or in `dataDir`. */
export async function embeddedDatabase(dataDir?: string): Promise<AuditDatabase> {
  const { PGlite } = loadPglite();
  const db = new PGlite(dataDir);
  await db.waitReady;
  return pgliteDatabase(db);
}

/** A migrated embedded database in memory and a trail over it with fresh keys; close `db` when done. */
export async function embeddedTrail(): Promise<{ db: AuditDatabase; audit: AuditTrail }> {
  const db = await embeddedDatabase();
  await migrate(db);
  return { db, audit: createAuditTrail({ db, keys: newAuditKeys() }) };
}
