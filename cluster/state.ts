/**
 * `cluster.json` in the cluster dir while a cluster runs: where each part listens and its pid, for tools that
 * act on a running cluster from outside (the smoke test kills a worker by it; the chaos run can too). No
 * secrets: those are in the env file. Removed when the cluster stops.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Cluster } from '../stack/cluster-stack';
import type { ClusterPaths } from './paths';

export interface ClusterState {
  pid: number;
  apiUrl: string;
  temporalAddress: string;
  uiUrl: string | null;
  envFile: string;
  postgres: { host: string; port: number; dataDir: string } | null;
  server: { pid: number | undefined };
  apis: { name: string; pid: number | undefined; url: string; port: number }[];
  workers: { name: string; pid: number | undefined; metricsUrl: string }[];
  simulators: { kriptomatUrl: string; sumsubUrl: string } | null;
}

export function stateFile(paths: ClusterPaths): string {
  return path.join(paths.root, 'cluster.json');
}

export async function writeState(cluster: Cluster): Promise<ClusterState> {
  const db = cluster.db?.access;
  const state: ClusterState = {
    pid: process.pid,
    apiUrl: cluster.apiUrl,
    temporalAddress: cluster.address,
    uiUrl: cluster.uiUrl,
    envFile: cluster.envFile,
    postgres: db
      ? { host: db.POSTGRES_SEEDS, port: Number(db.DB_PORT), dataDir: cluster.paths.pgData }
      : null,
    server: { pid: cluster.temporal?.server.pid },
    apis: cluster.apis.map((api) => ({
      name: api.child.name,
      pid: api.child.pid,
      url: api.url,
      port: api.port,
    })),
    workers: cluster.workers.map((w) => ({ name: w.child.name, pid: w.child.pid, metricsUrl: w.url })),
    simulators: cluster.sandbox && {
      kriptomatUrl: cluster.sandbox.kriptomat.url,
      sumsubUrl: cluster.sandbox.sumsub.url,
    },
  };
  await fs.writeFile(stateFile(cluster.paths), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}
