/**
 * deploy/temporal/server.yaml.tmpl as the server itself renders it (`temporal-server render-config`): the
 * production shard count by default, SQL visibility on PostgreSQL, and connection pools that fit under
 * PostgreSQL's max_connections (100) with the four services of one process each holding its own pools.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { resolveClusterBinaries } from '../../cluster/binaries';
import { DEPLOY_DIR } from '../../cluster/temporal';

const execFileAsync = promisify(execFile);
const POSTGRES_MAX_CONNECTIONS = 100;
const SERVICES_PER_PROCESS = 4;

interface SqlStore {
  sql: { pluginName: string; databaseName: string; maxConns: number; maxIdleConns: number };
}
interface Rendered {
  persistence: {
    numHistoryShards: number;
    defaultStore: string;
    visibilityStore: string;
    datastores: Record<string, SqlStore>;
  };
}

describe('the Temporal server config (deploy/temporal/server.yaml.tmpl)', () => {
  let server: string;
  let dir: string;

  beforeAll(async () => {
    server = (await resolveClusterBinaries({ log: () => undefined })).server;
    dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-server-config-'));
    await copyFile(path.join(DEPLOY_DIR, 'server.yaml.tmpl'), path.join(dir, 'server.yaml'));
  }, 30 * 60_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function render(extra: Record<string, string> = {}): Promise<Rendered> {
    const env = {
      PATH: process.env.PATH,
      POSTGRES_SEEDS: 'postgresql',
      DB_PORT: '5432',
      POSTGRES_USER: 'temporal',
      POSTGRES_PWD: 'secret',
      DYNAMIC_CONFIG_FILE_PATH: '/deploy/dynamicconfig.yaml',
      ...extra,
    };
    const { stdout } = await execFileAsync(
      server,
      // render-config reads --config as it is (start joins it to --root).
      ['--config', dir, '--env', 'server', 'render-config'],
      { env },
    );
    return parse(stdout) as Rendered;
  }

  it('gives production 512 history shards unless NUM_HISTORY_SHARDS says otherwise (the cluster: 4)', async () => {
    expect((await render()).persistence.numHistoryShards).toBe(512);
    expect((await render({ NUM_HISTORY_SHARDS: '4' })).persistence.numHistoryShards).toBe(4);
  });

  it('keeps executions and SQL visibility on PostgreSQL, in their two databases', async () => {
    const { persistence } = await render();
    const stores = persistence.datastores;
    expect(stores[persistence.defaultStore]?.sql).toMatchObject({
      pluginName: 'postgres12',
      databaseName: 'temporal',
    });
    expect(stores[persistence.visibilityStore]?.sql).toMatchObject({
      pluginName: 'postgres12',
      databaseName: 'temporal_visibility',
    });
  });

  it('sizes its pools to fit under PostgreSQL max_connections with room to spare', async () => {
    const stores = Object.values((await render()).persistence.datastores);
    const perService = stores.reduce((sum, store) => sum + store.sql.maxConns, 0);
    // Room for the schema and registration jobs, psql, and a restarted server's connections overlapping.
    expect(perService * SERVICES_PER_PROCESS).toBeLessThanOrEqual(POSTGRES_MAX_CONNECTIONS * 0.7);
    for (const store of stores) expect(store.sql.maxIdleConns).toBe(store.sql.maxConns);
  });
});
