/**
 * `npm run cluster`: the production topology of docker-compose.yml on this machine, as plain processes, from
 * the same deploy/temporal files compose uses. Until Ctrl-C, which stops everything in order (APIs, workers,
 * UI, simulators, server, PostgreSQL); a second Ctrl-C exits at once. State (PostgreSQL's data, the engine's
 * secrets, logs) stays in the cluster dir, so a second run finds its cases.
 */
import { promises as fs } from 'node:fs';
import { ConfigurationError } from '../domain';
import { describeError, watchStopSignals } from '../scripts/start-support';
import { formatClusterBanner } from './banner';
import type { Cluster } from '../stack/cluster-stack';
import { createCluster } from '../stack/cluster-stack';
import { StartInterrupted } from '../stack/stack';
import { clusterPaths } from './paths';
import { stateFile, writeState } from './state';

const log = (line: string): void => void process.stderr.write(`[cluster] ${line}\n`);

/** Resolves with what ended the cluster: null for a stop request, else the part that stopped by itself. */
function firstUnexpectedEnd(cluster: Cluster): Promise<string> {
  const parts = [
    ...(cluster.temporal ? [cluster.temporal.server] : []),
    ...cluster.apis.map((api) => api.child),
  ];
  // A worker may be killed (by the smoke test, the chaos run) while the other carries on: only both ending
  // stops the cluster.
  const workersGone = Promise.all(cluster.workers.map((worker) => worker.child.exited)).then(
    () => 'every worker stopped',
  );
  return Promise.race([
    workersGone,
    ...parts.map((child) => child.exited.then((how) => `${child.name} stopped unexpectedly (${how})`)),
  ]);
}

async function main(): Promise<number> {
  const started = Date.now();
  const stop = watchStopSignals();
  const paths = clusterPaths();
  log(`cluster dir: ${paths.root}`);
  await fs.mkdir(paths.root, { recursive: true });
  const { cluster, started: ready } = createCluster({ paths, log, stopRequested: () => stop.requested() });
  try {
    await Promise.race([ready, stop.signal.then(() => Promise.reject(new StartInterrupted()))]);
    await writeState(cluster);
    process.stdout.write(formatClusterBanner(cluster));
    log(`up in ${Math.round((Date.now() - started) / 1000)} s (state: ${stateFile(paths)})`);
    const problem = await Promise.race([firstUnexpectedEnd(cluster), stop.signal.then(() => null)]);
    if (problem !== null) {
      log(`${problem}; stopping`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof StartInterrupted) return 0;
    log(error instanceof ConfigurationError ? `error: ${error.message}` : `failed: ${describeError(error)}`);
    return 1;
  } finally {
    // A start still in flight finishes its current step first; its parts are in the stop list by then.
    await ready.catch(() => undefined);
    const counts = cluster.balancer?.counts();
    if (counts) {
      const served = cluster.apis.map((api) => `${api.child.name} ${counts.get(api.port) ?? 0}`).join(', ');
      log(`requests served through the balancer: ${served}`);
    }
    await cluster.stop();
    await fs.rm(stateFile(paths), { force: true });
    log('stopped');
  }
}

// process.exit: a stray handle (a keep-alive socket, a timer of a stopped part) must not keep it alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${describeError(error)}`);
    process.exit(1);
  },
);
