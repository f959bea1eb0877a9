import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { Client, Pool } from 'pg';
import type { AuditDatabase } from '../../audit';
import { migrate, openAuditStore, pgDatabase } from '../../audit';
import { clusterPaths } from '../../cluster/paths';
import type { RunningDatabase } from '../../cluster/postgres';
import { engineDatabaseUrl, startLocalDatabase } from '../../cluster/postgres';
import { ed25519Spec } from './audit-keys';
import { auditCoreChecks } from './core-checks';

/**
 * The audit trail's core checks on a real PostgreSQL of its own (cluster/postgres.ts, in a temporary
 * cluster dir, as test/vendors/vendor-limits-postgres.test.ts gets one), through `pg` pools whose several
 * connections really contend for a chain's row lock. Only 127.0.0.1 traffic.
 */
let dir: string;
let server: RunningDatabase;
const password = randomBytes(18).toString('base64url');

/** A new, empty database on the server, reached through `pools` pools of its own (the caller closes them). */
async function freshDatabase(name: string, pools = 1): Promise<AuditDatabase[]> {
  const admin = new Client({ connectionString: engineDatabaseUrl(server.access, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return Array.from({ length: pools }, () =>
    pgDatabase(new Pool({ connectionString: engineDatabaseUrl(server.access, name), max: 6 })),
  );
}

beforeAll(async () => {
  // Under /var/tmp, not os.tmpdir() of a 0700 home: PostgreSQL runs as the postgres user, which must reach it.
  dir = await fs.mkdtemp('/var/tmp/kyc-audit-test-');
  await fs.chmod(dir, 0o755);
  server = await startLocalDatabase(
    clusterPaths({ ...process.env, KYC_CLUSTER_DIR: dir }),
    password,
    () => {},
  );
}, 120_000);

afterAll(async () => {
  await server?.stop('fast');
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

describe('the audit trail on PostgreSQL', () => {
  auditCoreChecks(async () => {
    const [db] = await freshDatabase('audit_core');
    if (!db) throw new Error('no database');
    return db;
  });
});

it('applies each migration once when several processes migrate at the same time', async () => {
  const processes = await freshDatabase('audit_migrate_race', 4);
  try {
    const applied = await Promise.all(processes.map((db) => migrate(db)));
    expect(applied.flat()).toEqual([1]);
    const { rows } = await processes[0]!.query('SELECT version FROM audit_schema_migrations');
    expect(rows).toEqual([{ version: 1 }]);
  } finally {
    await Promise.all(processes.map((db) => db.close()));
  }
});

it('opens from the engine settings on KYC_DATABASE_URL, migrated, and keeps what it is given', async () => {
  const [admin] = await freshDatabase('audit_open');
  await admin?.close();
  const store = await openAuditStore({
    KYC_DATABASE_URL: engineDatabaseUrl(server.access, 'audit_open'),
    KYC_AUDIT_LOOKUP_KEY: randomBytes(32).toString('base64'),
    KYC_AUDIT_SIGNING_KEY: ed25519Spec('open-1').signing,
  });
  try {
    expect(store?.kind).toBe('postgres');
    await store?.trail.append(
      '9113',
      { kind: 'case.started', data: {} },
      { idempotencyKey: 'kyc:9113/r1/started' },
    );
    const trail = await store?.trail.trail('9113');
    expect(trail?.entries.map((entry) => entry.kind)).toEqual(['case.started']);
    const [chain] = (await store?.trail.verify()) ?? [];
    expect(chain).toMatchObject({ pseudonym: trail?.pseudonym, rows: 1 });
    expect(chain?.firstBad).toBeUndefined();
  } finally {
    await store?.close();
  }
});
