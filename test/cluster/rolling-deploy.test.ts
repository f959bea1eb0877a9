/**
 * A rolling deploy on the production topology (docs/rolling-deploys.md): PostgreSQL and a registered Temporal
 * server v1.29.1 (stack/temporal.ts, startClusterTemporal), the simulators, and two real worker processes
 * (worker/main.ts) polling as version A of a Worker Deployment. With cases mid-flight, the workers are
 * replaced one at a time by version B, whose workflow code carries a deliberate change behind `patched()`
 * (test/cluster/rollout-workflows.ts), and B is made current with deploy/temporal/set-current-version.sh, the
 * step operators run. What an operator checks afterwards: every case reached its end, no workflow task failed
 * (no nondeterminism), once B was current the old worker still polling took no workflow task, and the
 * histories show B's version and its patch. Only 127.0.0.1 traffic.
 */
import type { Client } from '@temporalio/client';
import { Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { connectKycClient } from '../../client/temporal-connection';
import { startCase } from '../../client/kyc-cases';
import { NAMESPACE } from '../../stack/temporal';
import type { EngineProcess } from '../../stack/processes';
import { startWorker, workerVersionEnv, workflowCodeBuildId } from '../../stack/processes';
import type { DeploymentVersion, VersionTarget } from '../../cluster/rollout';
import { currentBuildId, rollOut, setCurrentVersion } from '../../cluster/rollout';
import { generateCodecKey } from '../../codec';
import { loadWorkerConfig } from '../../config';
import { kycWorkflowId } from '../../domain';
import type { kycCase } from '../../workflows/kyc-case';
import type { RunningSandbox } from '../../sandbox/start-sandbox';
import { startSandbox } from '../../sandbox/start-sandbox';
import { freeLoopbackPort } from '../../worker/free-port';
import { TEST_WORKFLOWS_PATH_VARIABLE } from '../../worker/create-worker';
import type { TestCluster } from '../helpers/test-cluster';
import { startTestCluster } from '../helpers/test-cluster';
import { ROLLOUT_TEST_PATCH } from './rollout-patch';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const RUN = Date.now().toString(36);
const TASK_QUEUE = 'kyc';
const A: DeploymentVersion = { deploymentName: 'kyc-rollout-test', buildId: `a-${RUN}` };
const B: DeploymentVersion = { deploymentName: 'kyc-rollout-test', buildId: `b-${RUN}` };
/** Cases waiting on Kriptomat (a `pending_forever` user) through the rollout, read every 2 s meanwhile. */
const WAITING = [1, 2, 3, 4].map((n) => `pending_forever-${RUN}-${n}`);
/** A case started once B is current: its whole history is B's. */
const AFTER = `passed-${RUN}-after`;
/** After the switch, while the last old worker still polls: several reads of every waiting case. */
const OLD_WORKER_WATCH_MS = 8_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('rolling deploy with Worker Versioning (server v1.29.1 on PostgreSQL, two worker processes)', () => {
  const logLines: string[] = [];
  const log = (line: string): void => void logLines.push(line);
  let testCluster: TestCluster | undefined;
  let cluster: TestCluster['cluster'] | undefined;
  let sandbox: RunningSandbox | undefined;
  let client: Client | undefined;
  let connection: Connection | undefined;
  const workers: EngineProcess[] = [];
  let baseEnv: Record<string, string>;
  let target: VersionTarget;

  beforeAll(async () => {
    testCluster = await startTestCluster('rollout', log);
    const { binaries, emptyEnv, inherited } = testCluster;
    cluster = testCluster.cluster;

    sandbox = await startSandbox({ webhookUrl: null, reviewDelayMs: 1_000, decisionDelayMs: 1_000, env: {} });
    // Nothing of the caller's engine settings: the sandbox's credentials, this cluster, a fresh codec key.
    baseEnv = {
      ...inherited,
      ...sandbox.workerEnv,
      KYC_ENV_FILE: emptyEnv,
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      KYC_CODEC_KEY: generateCodecKey('rollout-1'),
      KYC_SHUTDOWN_GRACE_TIME: '5s',
      LOG_LEVEL: 'info',
    };
    const config = loadWorkerConfig(baseEnv); // a configuration error shows here, not in two workers
    client = await connectKycClient(config);
    connection = await Connection.connect({ address: cluster.address });
    target = {
      address: cluster.address,
      namespace: NAMESPACE,
      cli: binaries.cli,
      logDir: cluster.paths.logDir,
    };
  }, 300_000);

  afterAll(async () => {
    for (const worker of workers) await worker.child.stop();
    await client?.connection.close();
    await connection?.close();
    await sandbox?.close();
    await testCluster?.stop();
  }, 120_000);

  /** Worker `slot` (0 or 1) of a version: B's runs the new build, the test workflows entry. */
  const startAt = async (slot: number, version: DeploymentVersion, newBuild: boolean) =>
    startWorker(
      slot + 1 + (newBuild ? 2 : 0),
      {
        ...baseEnv,
        KYC_WORKER_DEPLOYMENT_NAME: version.deploymentName,
        KYC_WORKER_BUILD_ID: version.buildId,
        ...(newBuild && { [TEST_WORKFLOWS_PATH_VARIABLE]: path.join(__dirname, 'rollout-workflows.ts') }),
      },
      { metrics: await freeLoopbackPort(), sdkMetrics: await freeLoopbackPort() },
      cluster!.paths.logDir,
    );

  const historyOf = async (userId: string): Promise<HistoryEvent[]> =>
    (await client!.workflow.getHandle(kycWorkflowId(userId)).fetchHistory()).events ?? [];

  it('replaces version A by B one worker at a time: no failed task, no old worker after the switch', async () => {
    try {
      workers.push(...(await Promise.all([startAt(0, A, false), startAt(1, A, false)])));
      const oldIdentities = new Set(workers.map((worker) => identityOf(worker)));
      // Versioned workers get no task until their version is current.
      await setCurrentVersion(target, A);
      expect(await currentBuildId(connection!, NAMESPACE, A.deploymentName)).toBe(A.buildId);

      for (const userId of WAITING) {
        await startCase(client!, userId, { taskQueue: TASK_QUEUE, timings: { pollSchedule: ['2s'] } });
      }
      // Mid-flight: each waiting case has read Kriptomat on version A.
      await waitFor(async () => {
        for (const userId of WAITING) if (completedBy(await historyOf(userId)).length < 2) return false;
        return true;
      }, 30_000);

      let oldWorkerStoppingAt = 0;
      const { switchedAt } = await rollOut({
        target,
        version: B,
        workers,
        startWorker: (slot) => startAt(slot, B, true),
        stopWorker: async (worker) => {
          oldWorkerStoppingAt = Date.now();
          await worker.child.stop();
        },
        log,
        // The other old worker still polls: it must get nothing from here on.
        afterSwitch: () => sleep(OLD_WORKER_WATCH_MS),
      });
      const newIdentities = new Set(workers.map((worker) => identityOf(worker)));
      expect(await currentBuildId(connection!, NAMESPACE, B.deploymentName)).toBe(B.buildId);
      // The deploy step is idempotent: run again (a second `docker compose up`), it leaves B current.
      await setCurrentVersion(target, B);
      expect(await currentBuildId(connection!, NAMESPACE, B.deploymentName)).toBe(B.buildId);

      // Kriptomat decides; the next read of each case (on B) ends it.
      for (const userId of WAITING) await decide(sandbox!, userId, 'passed');
      await startCase(client!, AFTER, { taskQueue: TASK_QUEUE, timings: { pollSchedule: ['2s'] } });
      for (const userId of [...WAITING, AFTER]) {
        const result = await client!.workflow.getHandle<typeof kycCase>(kycWorkflowId(userId)).result();
        expect({ userId, phase: result.phase }).toEqual({ userId, phase: 'approved' });
      }

      let tasksWhileOldPolled = 0;
      for (const userId of [...WAITING, AFTER]) {
        const events = await historyOf(userId);
        // No workflow task failed: no nondeterminism, no task refused by a worker.
        expect({ userId, failed: events.filter((e) => e.workflowTaskFailedEventAttributes) }).toEqual({
          userId,
          failed: [],
        });
        const started = events.filter((e) => e.workflowTaskStartedEventAttributes);
        const afterSwitch = started.filter((e) => tsToMs(e.eventTime) >= switchedAt.getTime());
        // From the switch on, only version B's workers took this case's workflow tasks.
        for (const event of afterSwitch) {
          const identity = event.workflowTaskStartedEventAttributes?.identity ?? '';
          expect({ userId, identity, old: oldIdentities.has(identity) }).toEqual({
            userId,
            identity,
            old: false,
          });
          expect(newIdentities.has(identity)).toBe(true);
        }
        tasksWhileOldPolled += afterSwitch.filter((e) => tsToMs(e.eventTime) < oldWorkerStoppingAt).length;
        // The history records which version completed each task: A's before the rollout, B's at the end.
        const versions = completedBy(events);
        if (userId !== AFTER) expect(versions[0]).toBe(A.buildId);
        expect(versions.at(-1)).toBe(B.buildId);
        // B's change, behind patched(): its marker is in every case B ended, begun on A or not.
        expect({ userId, patched: patchesOf(events) }).toEqual({
          userId,
          patched: expect.arrayContaining([ROLLOUT_TEST_PATCH]) as unknown,
        });
        const described = await client!.workflow.getHandle(kycWorkflowId(userId)).describe();
        expect(described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe(
          B.buildId,
        );
      }
      // Not vacuous: the cases did have workflow tasks while the old worker still polled.
      expect(tasksWhileOldPolled).toBeGreaterThan(0);
    } catch (error) {
      process.stderr.write(`cluster log:\n  ${logLines.slice(-40).join('\n  ')}\n`);
      throw error;
    }
  }, 240_000);
});

describe('the default build id of the cluster workers (stack/processes.ts)', () => {
  it('is the same for the same workflow code and changes with it', async () => {
    const root = await fs.mkdtemp('/var/tmp/kyc-build-id-test-');
    try {
      const repo = path.resolve(__dirname, '..', '..');
      for (const part of ['workflows', 'domain', 'node_modules/@temporalio/workflow/package.json']) {
        await fs.cp(path.join(repo, part), path.join(root, part), { recursive: true });
      }
      const here = await workflowCodeBuildId();
      expect(here).toMatch(/^wf-[0-9a-f]{16}$/);
      expect(await workflowCodeBuildId(root)).toBe(here);
      await fs.appendFile(path.join(root, 'workflows', 'patches.ts'), '\n// a change\n');
      expect(await workflowCodeBuildId(root)).not.toBe(here);
      // An explicit setting wins over the derived id.
      expect(await workerVersionEnv({ KYC_WORKER_BUILD_ID: 'release-42' })).toEqual({
        KYC_WORKER_DEPLOYMENT_NAME: 'kyc-orchestrator',
        KYC_WORKER_BUILD_ID: 'release-42',
      });
      expect((await workerVersionEnv({})).KYC_WORKER_BUILD_ID).toBe(here);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

function identityOf(worker: EngineProcess): string {
  if (!worker.worker) throw new Error(`${worker.child.name} did not log its identity`);
  return worker.worker.identity;
}

/** The build id each completed workflow task of a history was completed by, in order ('' unversioned). */
function completedBy(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const completed = event.workflowTaskCompletedEventAttributes;
    if (!completed) return [];
    const version =
      completed.deploymentVersion?.buildId ?? completed.workerDeploymentVersion?.split('.').pop();
    return [version ?? ''];
  });
}

/**
 * The patch ids of a history's patch markers. The SDK's core writes them itself, as plain JSON (`{"id":...}`
 * under `patch-data`), not through the data converter: readable without the codec key, as the UI shows them.
 */
function patchesOf(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    return (marker.details?.['patch-data']?.payloads ?? []).flatMap((payload) => {
      const id = payload.data
        ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as { id?: string }).id
        : null;
      return id ? [id] : [];
    });
  });
}

/** Kriptomat decides for the user, as its `/_sandbox` route lets a person do. */
async function decide(sandbox: RunningSandbox, userId: string, kycStatus: string): Promise<void> {
  const response = await fetch(`${sandbox.kriptomat.url}/_sandbox/users/${userId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kyc_status: kycStatus }),
  });
  if (!response.ok) throw new Error(`deciding ${userId}: HTTP ${response.status}`);
}

async function waitFor(test: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}
