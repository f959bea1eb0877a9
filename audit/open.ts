import path from 'node:path';
import { Pool } from 'pg';
import type { AuditTrail } from './audit-trail';
import { createAuditTrail } from './audit-trail';
import type { AuditDatabase } from './database';
import type { HoldDuration } from './hold';
import { auditKeysFrom } from './keys';
import { migrate } from './migrate';
import { pgDatabase } from './pg-database';
import { openPglite } from './pglite-database';

/** The settings the trail is opened from (config/fields.ts `auditFields`, and the engine's database). */
export interface AuditSettings {
  KYC_DATABASE_URL?: string | undefined;
  KYC_AUDIT_DATA_DIR?: string | undefined;
  KYC_AUDIT_LOOKUP_KEY?: string | undefined;
  KYC_AUDIT_SIGNING_KEY?: string | undefined;
  KYC_AUDIT_VERIFY_KEYS?: readonly string[] | undefined;
  KYC_AUDIT_HOLD?: HoldDuration | undefined;
}

/** An opened trail, where it is kept, and how to let go of it. */
export interface AuditStore {
  trail: AuditTrail;
  /** `postgres` (KYC_DATABASE_URL, shared by every process) or `embedded` (PGlite, this process only). */
  kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

/** The trail is configured only in part: the message names what is missing. */
export class AuditConfigurationError extends Error {
  override name = 'AuditConfigurationError';
}

/**
 * PGlite is one connection in one process: when the worker and the API share a process (`npm start`), they
 * share its one instance per directory, which closes when the last of them lets go.
 */
const embedded = new Map<string, { db: Promise<AuditDatabase>; users: number }>();

async function openEmbedded(dataDir: string): Promise<{ db: AuditDatabase; release: () => Promise<void> }> {
  const dir = path.resolve(dataDir);
  const entry = embedded.get(dir) ?? { db: openPglite(dir), users: 0 };
  embedded.set(dir, entry);
  entry.users += 1;
  const db = await entry.db;
  return {
    db,
    release: async () => {
      entry.users -= 1;
      if (entry.users > 0) return;
      embedded.delete(dir);
      await db.close();
    },
  };
}

/**
 * Opens the audit trail the settings describe, with its schema brought up to date, or answers null when no
 * audit key is set (the trail is off). Both keys are needed, and a database: the engine's PostgreSQL
 * (`KYC_DATABASE_URL`) or an embedded one in `KYC_AUDIT_DATA_DIR`.
 */
export async function openAuditStore(settings: AuditSettings): Promise<AuditStore | null> {
  const { KYC_AUDIT_LOOKUP_KEY: lookupKey, KYC_AUDIT_SIGNING_KEY: signingKey } = settings;
  if (!lookupKey && !signingKey) return null;
  if (!lookupKey || !signingKey) {
    const missing = lookupKey ? 'KYC_AUDIT_SIGNING_KEY' : 'KYC_AUDIT_LOOKUP_KEY';
    throw new AuditConfigurationError(`the audit trail needs ${missing} as well`);
  }
  const keys = auditKeysFrom({ lookupKey, signingKey, verifyKeys: settings.KYC_AUDIT_VERIFY_KEYS ?? [] });
  let opened: { db: AuditDatabase; release: () => Promise<void>; kind: AuditStore['kind'] };
  if (settings.KYC_DATABASE_URL) {
    const db = pgDatabase(new Pool({ connectionString: settings.KYC_DATABASE_URL, max: 4 }));
    opened = { db, release: () => db.close(), kind: 'postgres' };
  } else if (settings.KYC_AUDIT_DATA_DIR) {
    opened = { ...(await openEmbedded(settings.KYC_AUDIT_DATA_DIR)), kind: 'embedded' };
  } else {
    throw new AuditConfigurationError(
      'the audit trail needs a database: KYC_DATABASE_URL, or KYC_AUDIT_DATA_DIR for an embedded one',
    );
  }
  try {
    await migrate(opened.db);
  } catch (error) {
    await opened.release().catch(() => undefined);
    throw error;
  }
  const trail = createAuditTrail({
    db: opened.db,
    keys,
    ...(settings.KYC_AUDIT_HOLD && { hold: settings.KYC_AUDIT_HOLD }),
  });
  return { trail, kind: opened.kind, close: opened.release };
}
