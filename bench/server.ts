/**
 * The Temporal server a bench stack runs on: the CLI's dev server (SQLite, one process, a fresh one per
 * measure), or the production topology of `npm run cluster` (PostgreSQL and a registered Temporal server
 * v1.29.1 on it), started once per bench run in a cluster dir of its own and shared by the measures, since
 * creating PostgreSQL and its schemas takes far longer than a dev server.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEMPORAL_SERVER_VERSION } from '../cluster/binaries';
import type { DatabaseAccess } from '../cluster/postgres';
import { environmentWithDotenv } from '../config';
import { Stack } from '../stack/stack';
import { namedStops } from '../stack/stops';
import type { ClusterTemporal } from '../stack/temporal';
import { NAMESPACE, startClusterTemporal, startDevTemporal } from '../stack/temporal';
import { clusterPaths } from '../cluster/paths';
import { LOCAL_HISTORY_SHARDS } from '../cluster/temporal';
import { freeLoopbackPort } from '../worker/free-port';
import { createWriteStream } from 'node:fs';
import { findChildPid, sampleAsTree } from './process-stats';

export const SERVER_KINDS = ['dev-server', 'cluster'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** One measure's view of the server. */
export interface BenchServer {
  address: string;
  namespace: string;
  /** The Temporal server's pid, and PostgreSQL's postmaster (sampled with its backends) on the cluster. */
  pids: { server: number; postgres?: number };
  /** PostgreSQL as the Temporal server reaches it (the cluster), to watch its connections. */
  database: DatabaseAccess | null;
}

export interface ServerSource {
  kind: ServerKind;
  /** Server and store, for the report's machine line. */
  describe(): Promise<{ temporal: string; database: string }>;
  /**
   * The server of one measure: what it starts for that measure alone (the dev server) goes onto `stack`; the
   * shared cluster stays up until `close`.
   */
  start(stack: Stack, workDir: string): Promise<BenchServer>;
  /** Stops whatever is still running (the cluster) and removes its directory unless it is to be kept. */
  close(keep: boolean): Promise<void>;
}

/** A fresh dev server for each measure, as `npm start` runs it. */
export function devServerSource(temporalCli: string, db: 'file' | 'memory'): ServerSource {
  return {
    kind: 'dev-server',
    describe: async () => ({
      temporal: await promisify(execFile)(temporalCli, ['--version']).then(
        ({ stdout }) => stdout.trim(),
        () => 'temporal (version unknown)',
      ),
      database: `dev server on SQLite (${db === 'file' ? 'file' : 'in memory'})`,
    }),
    start: async (stack, workDir) => {
      const serverLog = createWriteStream(path.join(workDir, 'temporal.log'));
      stack.onStop("the server's log", () => new Promise((resolve) => serverLog.end(resolve)));
      const port = await freeLoopbackPort();
      stack.log(`starting the Temporal dev server (${db === 'file' ? 'SQLite file' : 'SQLite in memory'})`);
      const server = await startDevTemporal(stack, {
        cli: temporalCli,
        port,
        ...(db === 'file' && { dbFile: path.join(workDir, 'temporal.db') }),
        log: (line) => void serverLog.write(`${line}\n`),
      });
      const pid = findChildPid(['start-dev', '--port', String(port)]);
      if (pid === null) throw new Error('cannot find the dev server process');
      return { address: server.address, namespace: NAMESPACE, pids: { server: pid }, database: null };
    },
    close: () => Promise.resolve(),
  };
}

/**
 * The cluster's PostgreSQL and Temporal server (the bench brings its own workers, API and simulators, as on
 * the dev server), in `dir` (a fresh one per run: workflow ids of one run must not meet those of an earlier
 * one), started on the first measure and stopped by `close`.
 */
export function clusterSource(dir: string, log: (line: string) => void): ServerSource {
  const indented = (line: string): void => log(`  ${line}`);
  const cluster = new Stack({ log: indented, reports: namedStops(indented) });
  let running: Promise<ClusterTemporal> | undefined;
  const paths = clusterPaths({ ...process.env, KYC_CLUSTER_DIR: dir });
  const up = () =>
    (running ??= (async () => {
      log(`starting the cluster's PostgreSQL and Temporal server in ${dir}`);
      return startClusterTemporal(cluster, paths, environmentWithDotenv());
    })());
  return {
    kind: 'cluster',
    describe: async () => {
      const pgVersion = await readFile(path.join(paths.pgData, 'PG_VERSION'), 'utf8').then(
        (text) => text.trim(),
        () => '?',
      );
      return {
        temporal: `temporal server ${TEMPORAL_SERVER_VERSION} (deploy/temporal/server.yaml.tmpl, ${LOCAL_HISTORY_SHARDS} history shards)`,
        database: `cluster: PostgreSQL ${pgVersion}, SQL visibility`,
      };
    },
    start: async () => {
      const { temporal, db } = await up();
      const serverPid = temporal.server.pid;
      if (serverPid === undefined) throw new Error('the cluster has no Temporal server pid');
      const postgres = await postmasterPid(paths.pgData);
      sampleAsTree(postgres);
      return {
        address: temporal.address,
        namespace: NAMESPACE,
        pids: { server: serverPid, postgres },
        database: db.access,
      };
    },
    close: async (keep) => {
      await cluster.stop();
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The first line of postmaster.pid (the data directory is ours to read: the bench runs as its owner or root). */
async function postmasterPid(pgData: string): Promise<number> {
  const text = await readFile(path.join(pgData, 'postmaster.pid'), 'utf8');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid < 1) throw new Error(`no postmaster pid in ${pgData}/postmaster.pid`);
  return pid;
}
