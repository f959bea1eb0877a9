/**
 * Rolling deploys with Worker Versioning (docs/rolling-deploys.md): which deployment version is current, the
 * one step that makes a version current (deploy/temporal/set-current-version.sh, the script compose and
 * operators run, so what the cluster and its test exercise is what production runs), and `rollOut`, which
 * replaces a set of workers one at a time with a new build while cases run.
 */
import type { Connection } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import { runDeployScript } from './temporal';

/** gRPC's NOT_FOUND (grpc.status.NOT_FOUND; @grpc/grpc-js is not a direct dependency). */
const GRPC_NOT_FOUND = 5;

/** A version of the case workers' deployment: what KYC_WORKER_DEPLOYMENT_NAME/KYC_WORKER_BUILD_ID name. */
export interface DeploymentVersion {
  deploymentName: string;
  buildId: string;
}

/** Where set-current-version.sh runs: the server, the namespace, the CLI and a log directory. */
export interface VersionTarget {
  address: string;
  namespace: string;
  /** The Temporal CLI (`ClusterBinaries.cli`, or scripts/temporal-cli.ts `resolveTemporalCli`). */
  cli: string;
  logDir: string;
  /** How long the version's workers may take to poll before the step fails (180 s by default). */
  waitSeconds?: number;
}

/**
 * The build id of the deployment's current version; null when there is none (the deployment does not exist
 * yet, or its current version is "unversioned": then only unversioned workers get tasks).
 */
export async function currentBuildId(
  connection: Connection,
  namespace: string,
  deploymentName: string,
): Promise<string | null> {
  try {
    const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({
      namespace,
      deploymentName,
    });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || null;
  } catch (error) {
    if (isGrpcServiceError(error) && Number(error.code) === GRPC_NOT_FOUND) return null;
    throw error;
  }
}

/**
 * Makes `version` current with deploy/temporal/set-current-version.sh: it waits until the version's workers
 * poll (the server refuses a version it has not seen poll), switches, and reads the switch back. Until then
 * the version's workers get no task; from then on every case's next workflow task goes to them (AUTO_UPGRADE)
 * and no longer to the previous version's workers. Idempotent.
 */
export function setCurrentVersion(target: VersionTarget, version: DeploymentVersion): Promise<void> {
  return runDeployScript(
    'set-current-version.sh',
    {
      TEMPORAL_CLI: target.cli,
      TEMPORAL_ADDRESS: target.address,
      TEMPORAL_NAMESPACE: target.namespace,
      KYC_WORKER_DEPLOYMENT_NAME: version.deploymentName,
      KYC_WORKER_BUILD_ID: version.buildId,
      WAIT_SECONDS: String(target.waitSeconds ?? 180),
    },
    target.logDir,
  );
}

/** What rollOut needs of the worker processes it replaces (an EngineProcess, a chaos run's worker, ...). */
export interface RollOutOptions<W> {
  target: VersionTarget;
  /** The new version; `startWorker` must start workers polling as exactly this version. */
  version: DeploymentVersion;
  /** The running workers of the old version, replaced in place, in order: the array ends holding the new. */
  workers: W[];
  /** Starts the new version's worker for slot `index`, resolving once it polls. */
  startWorker(index: number): Promise<W>;
  /** Stops an old worker the way a deploy does (SIGTERM: it stops polling and drains its activities). */
  stopWorker(worker: W): Promise<void>;
  log?: (line: string) => void;
  /**
   * Called once the new version is current, before the next old worker is replaced: the moment when an old
   * worker still polls but must take no task (a test checks that here; a chaos run may inject a fault).
   */
  afterSwitch?: () => Promise<void>;
}

/**
 * A rollout that did not finish. `switchedAt` says which version the cases now run on: null, the old one (the
 * new worker did not start: start the stopped old worker again); a time, the new one (an old worker did not
 * stop or a later new one did not start: the pool is short of a worker, but every case is on the new version).
 */
export class RollOutError extends Error {
  override name = 'RollOutError';
  constructor(
    message: string,
    readonly switchedAt: Date | null,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Replaces the workers one at a time with the new version, as a rolling deploy of a fixed pool does: stop the
 * first old worker, start a new one, make its version current once it polls, then replace the others. Until
 * the switch the remaining old workers carry every case (the old version is still current), after it only new
 * ones take tasks, so no history the new code wrote is ever replayed by the old code. Resolves with the time
 * of the switch; rejects with a RollOutError that says whether the switch happened.
 */
export async function rollOut<W>(options: RollOutOptions<W>): Promise<{ switchedAt: Date }> {
  const { workers, version } = options;
  if (workers.length === 0) throw new Error('rollOut: no worker to replace');
  const log = options.log ?? (() => undefined);
  const label = `${version.deploymentName}/${version.buildId}`;
  let switchedAt: Date | null = null;
  try {
    for (const [index, old] of workers.entries()) {
      log(`rolling out ${label}: stopping old worker ${index + 1} of ${workers.length}`);
      await options.stopWorker(old);
      log(`rolling out ${label}: starting its replacement`);
      workers[index] = await options.startWorker(index);
      if (switchedAt) continue;
      log(`rolling out ${label}: making it the current version`);
      await setCurrentVersion(options.target, version);
      switchedAt = new Date();
      log(`rolling out ${label}: current; replacing the remaining old workers`);
      await options.afterSwitch?.();
    }
  } catch (error) {
    const where = switchedAt ? `after the switch (the cases run on ${label})` : 'before the switch';
    const reason = error instanceof Error ? error.message : String(error);
    throw new RollOutError(`rolling out ${label} failed ${where}: ${reason}`, switchedAt, { cause: error });
  }
  // Set by the first replacement, and there was at least one.
  return { switchedAt: switchedAt! };
}
