import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Client as PgClient, Pool } from 'pg';
import type { AuditDatabase, AuditStore } from '../../audit';
import { openAuditStore, pgDatabase } from '../../audit';
import { clusterPaths } from '../../cluster/paths';
import type { RunningDatabase } from '../../cluster/postgres';
import { engineDatabaseUrl, startLocalDatabase } from '../../cluster/postgres';
import { loadWorkerConfig } from '../../config';
import { kycWorkflowId } from '../../domain';
import { createKycWorker } from '../../worker/create-worker';
import { ed25519Spec } from '../audit/audit-keys';
import type { ApiEngine } from '../helpers/api-engine';
import { startApiEngine } from '../helpers/api-engine';
import { TEST_CODEC_ENV } from '../helpers/codec';
import { eventually, runInBackground, testWorkflowSource, uniqueTaskQueue } from '../helpers/temporal';
import type { CliRun } from '../cli/cli-process';
import { kyc } from '../cli/cli-process';

/**
 * The engine as deployed with its audit trail on a real PostgreSQL of its own (cluster/postgres.ts, as
 * test/audit/audit-postgres.test.ts starts one): the real API process wiring over it, the worker and both
 * simulators (test/helpers/api-engine.ts), the trail as the library opens it for the test's own appends,
 * the database as an attacker reaches it, and the real `kyc` CLI process pointed at the API.
 */
export interface AuditEngine {
  engine: ApiEngine;
  /** The trail as another process of the engine opens it, with the same keys. */
  store: AuditStore;
  /** The trail's database, raw. */
  db: AuditDatabase;
  kyc(...args: string[]): Promise<CliRun>;
  /** A case started through the API, once it has ended (the workflow closed). */
  closedCase(userId: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startAuditEngine(
  name: string,
  apiEnv: Record<string, string> = {},
): Promise<AuditEngine> {
  // Under /var/tmp, not os.tmpdir() of a 0700 home: PostgreSQL runs as the postgres user, which must reach it.
  const dir = await fs.mkdtemp('/var/tmp/kyc-audit-e2e-');
  await fs.chmod(dir, 0o755);
  const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'kyc-audit-cli-'));
  const stops: (() => Promise<unknown>)[] = [() => fs.rm(dir, { recursive: true, force: true })];
  stops.push(() => fs.rm(cwd, { recursive: true, force: true }));
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const password = randomBytes(18).toString('base64url');
    const server: RunningDatabase = await startLocalDatabase(
      clusterPaths({ ...process.env, KYC_CLUSTER_DIR: dir }),
      password,
      () => {},
    );
    stops.push(() => server.stop('fast'));
    const admin = new PgClient({ connectionString: engineDatabaseUrl(server.access, 'postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const signing = ed25519Spec('audit-e2e');
    const auditEnv = {
      KYC_DATABASE_URL: engineDatabaseUrl(server.access, name),
      KYC_AUDIT_LOOKUP_KEY: randomBytes(32).toString('base64'),
      KYC_AUDIT_SIGNING_KEY: signing.signing,
      ...apiEnv,
    };
    const engine = await startApiEngine(name, {}, auditEnv);
    stops.push(() => engine.stop());
    const store = await openAuditStore({
      KYC_DATABASE_URL: auditEnv.KYC_DATABASE_URL,
      KYC_AUDIT_LOOKUP_KEY: auditEnv.KYC_AUDIT_LOOKUP_KEY,
      KYC_AUDIT_SIGNING_KEY: auditEnv.KYC_AUDIT_SIGNING_KEY,
    });
    if (!store) throw new Error('the audit trail did not open');
    stops.push(() => store.close());
    const db = pgDatabase(new Pool({ connectionString: auditEnv.KYC_DATABASE_URL, max: 2 }));
    stops.push(() => db.close());
    // The CLI's whole environment: the codec key every command needs, and where the API is.
    const cliEnv = {
      ...TEST_CODEC_ENV,
      KYC_ENV_FILE: path.join(cwd, 'none.env'),
      KYC_API_URL: engine.apiUrl,
      KYC_API_TOKEN: engine.apiToken,
    };
    await fs.writeFile(cliEnv.KYC_ENV_FILE, '');
    return {
      engine,
      store,
      db,
      kyc: (...args) => kyc(args, cliEnv, cwd),
      closedCase: async (userId) => {
        expect((await engine.api('PUT', `/v1/cases/${userId}`)).status).toBe(202);
        await eventually(async () => {
          const { status } = await engine.client.workflow.getHandle(kycWorkflowId(userId)).describe();
          return status.name === 'RUNNING' ? undefined : status.name;
        }, 60_000);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Resolves once Temporal answers NotFound for `workflowId`. Deletion is carried out in the background: the dev
 * server takes about half a minute for a closed execution.
 */
export async function untilGone(engine: ApiEngine, workflowId: string): Promise<void> {
  await eventually(async () => {
    try {
      await engine.client.workflow.getHandle(workflowId).describe();
      return undefined;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return true;
      throw error;
    }
  }, 90_000);
}

/** A worker that writes the trail, on a task queue of its own. */
export interface AuditedWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * Starts a worker with the trail beside `t`'s engine (whose shared worker runs without it), on its own task
 * queue: cases started there write their records to `t.store`.
 */
export async function startAuditedWorker(t: AuditEngine, name: string): Promise<AuditedWorker> {
  const apiConnection = t.engine.client.connection;
  if (!(apiConnection instanceof Connection)) throw new Error('the API client has no plain connection');
  const { address } = apiConnection.options;
  const taskQueue = uniqueTaskQueue(name);
  const connection = await NativeConnection.connect({ address });
  try {
    const config = loadWorkerConfig({
      ...t.engine.sandbox.workerEnv,
      ...TEST_CODEC_ENV,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: t.engine.client.options.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
    });
    const worker = await createKycWorker(connection, config, testWorkflowSource(), { audit: t.store.trail });
    const stopWorker = runInBackground(worker);
    return {
      taskQueue,
      stop: async () => {
        await stopWorker();
        await connection.close();
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
