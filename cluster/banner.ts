/**
 * What `npm run cluster` prints once everything runs: `npm start`'s banner (stack/banner.ts) for the
 * API behind the balancer, preceded by what is particular to the cluster: replicas, PostgreSQL, logs, and the
 * compose service each part stands for.
 */
import path from 'node:path';
import { formatBanner } from '../stack/banner';
import type { Cluster } from '../stack/cluster-stack';
import { TASK_QUEUE } from '../stack/cluster-stack';
import { NAMESPACE } from '../stack/temporal';
import { LOCAL_HISTORY_SHARDS } from './temporal';

export function formatClusterBanner(cluster: Cluster): string {
  const relative = (file: string): string => {
    const short = path.relative(process.cwd(), file);
    return short && !short.startsWith('..') ? short : file;
  };
  const db = cluster.db?.access;
  const lines = [
    '',
    'Production topology (docker-compose.yml as processes on this machine):',
    `  postgresql:      ${db ? `${db.POSTGRES_SEEDS}:${db.DB_PORT}` : '?'}  (data: ${cluster.paths.pgData})`,
    `  temporal:        ${cluster.address}  (PostgreSQL persistence and SQL visibility, ` +
      `${LOCAL_HISTORY_SHARDS} history shards: the local value)`,
    `  temporal-ui:     ${cluster.uiUrl ?? '-'}`,
    ...cluster.apis.map((api) => `  api (${api.child.name}):  ${api.url}  (pid ${api.child.pid})`),
    ...cluster.workers.map(
      (worker) => `  worker (${worker.child.name}): metrics ${worker.url}  (pid ${worker.child.pid})`,
    ),
    `  balancer:        ${cluster.apiUrl}  -> both APIs, request by request`,
    `  logs:            ${relative(cluster.paths.logDir)}/`,
  ];
  const banner = formatBanner({
    apiUrl: cluster.apiUrl,
    address: cluster.address,
    uiUrl: cluster.uiUrl,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
    envFile: cluster.envFile,
    sandbox: cluster.sandbox && {
      kriptomatUrl: cluster.sandbox.kriptomat.url,
      sumsubUrl: cluster.sandbox.sumsub.url,
    },
  });
  return `${lines.join('\n')}\n${banner}`;
}
