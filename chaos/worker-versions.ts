import type { DeploymentVersion, VersionTarget } from '../cluster/rollout';
import { RollOutError, rollOut, setCurrentVersion } from '../cluster/rollout';
import type { Replicas } from './replicas';

/**
 * The cluster's workers as a Worker Deployment (issue 16, item 7): every worker polls as the current build,
 * and a rolling deploy (cluster/rollout.ts `rollOut`) replaces them one at a time with the next build while
 * cases run. Each roll is a new build id of the same workflow code (`<code build id>-roll<n>`): what is under
 * test is the switch itself (no task lost, none taken by a stopped or superseded worker, cases moving to the
 * new version under AUTO_UPGRADE), not a code change, which test/cluster/rolling-deploy.test.ts covers.
 * Invariant: `env()` names the build the next worker started (a restart after a kill too) must run.
 */
export class WorkerVersions {
  private rolls = 0;
  private current: DeploymentVersion;

  constructor(
    private readonly target: VersionTarget,
    private readonly first: DeploymentVersion,
  ) {
    this.current = first;
  }

  /** What a worker's environment needs to poll as the current build. */
  env(): Record<string, string> {
    return {
      KYC_WORKER_DEPLOYMENT_NAME: this.current.deploymentName,
      KYC_WORKER_BUILD_ID: this.current.buildId,
    };
  }

  /** Versioned workers get no task until their version is current: the first build, once its workers poll. */
  async start(): Promise<void> {
    await setCurrentVersion(this.target, this.current);
  }

  /** A rolling deploy of every worker to the next build; resolves once the last one polls. Returns a log line. */
  async roll(workers: Replicas, log: (line: string) => void): Promise<string> {
    this.rolls += 1;
    const previous = this.current;
    this.current = { ...this.first, buildId: `${this.first.buildId}-roll${this.rolls}` };
    const began = Date.now();
    try {
      const { switchedAt } = await workers.replaceEach((parts) =>
        rollOut({ target: this.target, version: this.current, ...parts, log }),
      );
      const switched = ((switchedAt.getTime() - began) / 1000).toFixed(1);
      const done = ((Date.now() - began) / 1000).toFixed(1);
      return `workers rolled from ${previous.buildId} to ${this.current.buildId}: current after ${switched} s, all replaced after ${done} s`;
    } catch (error) {
      // Before the switch the old version stayed current, and restarts must use it; after it, the new one is.
      if (!(error instanceof RollOutError && error.switchedAt)) this.current = previous;
      throw error;
    }
  }
}
