/**
 * Smoke test of the production topology (`npm run cluster`): it comes up from this checkout (binaries built
 * once, then cached outside the repository), runs a handful of sandbox cases to their end through the
 * balancer in front of both API replicas while one worker is SIGKILLed, and comes down on SIGINT with nothing
 * left running and every port free. Only 127.0.0.1 traffic.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { resolveClusterBinaries } from '../../cluster/binaries';
import type { ClusterState } from '../../cluster/state';
import { freeLoopbackPort } from '../../worker/free-port';
import { isPortFree } from '../../stack/ports';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** A cold build of the server, its SQL tool and the UI server takes 5-6 minutes on 2 cores. */
const BUILD_TIMEOUT_MS = 30 * 60_000;
const UP_TIMEOUT_MS = 5 * 60_000;
const CASE_TIMEOUT_MS = 150_000;
const RUN = Date.now().toString(36);

/** Scenario prefix -> where its case must end (chaos/expected-ends.ts). */
const CASES: Record<string, string> = {
  [`passed-${RUN}`]: 'approved',
  [`onboard-${RUN}`]: 'approved',
  [`pending-${RUN}`]: 'approved',
  [`resubmit-${RUN}`]: 'approved',
  [`failed-${RUN}`]: 'rejected',
};

interface CaseView {
  workflowStatus: string;
  phase: string;
  outcome: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A bound on a wait that must not keep Jest alive once the wait is over. */
const deadlineOf = (ms: number) =>
  new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run cluster (PostgreSQL, Temporal server, 2 workers, 2 APIs, UI, simulators)', () => {
  let dir: string;
  let cluster: ChildProcess | undefined;
  let exited: Promise<number | null>;
  let output = '';
  let state: ClusterState;
  let token: string;

  beforeAll(async () => {
    // Built here, outside the cluster's own start timeout: minutes on the first run, nothing after.
    await resolveClusterBinaries({ log: () => undefined });
    // Under /var/tmp, not os.tmpdir() of a 0700 home: PostgreSQL runs as the postgres user, which must reach it.
    dir = await fs.mkdtemp('/var/tmp/kyc-cluster-test-');
    await fs.chmod(dir, 0o755);
    const emptyEnvFile = path.join(dir, 'no.env');
    await fs.writeFile(emptyEnvFile, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KYC_CLUSTER_DIR: path.join(dir, 'cluster'),
      // Not the developer's .env (which may name the real vendors): the sandbox, always.
      KYC_ENV_FILE: emptyEnvFile,
      TEMPORAL_PORT: String(await freeLoopbackPort()),
      KYC_API_PORT: String(await freeLoopbackPort()),
      TEMPORAL_UI_PORT: String(await freeLoopbackPort()),
      KRIPTOMAT_SIM_PORT: String(await freeLoopbackPort()),
      SUMSUB_SIM_PORT: String(await freeLoopbackPort()),
      LOG_LEVEL: 'info',
    };
    for (const name of [
      'GOPATH',
      'GOMODCACHE',
      'GOCACHE',
      'GOFLAGS',
      'GOPROXY',
      'KYC_CACHE_DIR',
      'XDG_CACHE_HOME',
    ]) {
      if (process.env[name]) env[name] = process.env[name];
    }
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'cluster', 'main.ts')], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cluster = child;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    const stateFile = path.join(dir, 'cluster', 'cluster.json');
    const deadline = Date.now() + UP_TIMEOUT_MS;
    while (!output.includes('[cluster] up in')) {
      if (gone || Date.now() > deadline) {
        throw new Error(`the cluster did not come up:\n${output.split('\n').slice(-40).join('\n')}`);
      }
      await sleep(500);
    }
    state = JSON.parse(await fs.readFile(stateFile, 'utf8')) as ClusterState;
    token = parse(await fs.readFile(state.envFile)).KYC_API_TOKEN ?? '';
  }, BUILD_TIMEOUT_MS + UP_TIMEOUT_MS);

  afterAll(async () => {
    // Whatever happened above: nothing of it may outlive the test.
    if (cluster && cluster.exitCode === null && cluster.signalCode === null) {
      cluster.kill('SIGINT');
      await Promise.race([exited, deadlineOf(60_000)]);
      if (cluster.exitCode === null && cluster.signalCode === null) cluster.kill('SIGKILL');
    }
    const pgData = state?.postgres?.dataDir;
    if (pgData && existsSync(path.join(pgData, 'postmaster.pid'))) {
      const pgCtl = ['/usr/lib/postgresql/15/bin/pg_ctl', '-D', pgData, '-m', 'immediate', 'stop'];
      spawnSync('runuser', ['-u', 'postgres', '--', ...pgCtl], { cwd: '/', stdio: 'ignore' });
    }
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }, 120_000);

  const api = async (base: string, method: string, userId: string): Promise<Response> =>
    fetch(`${base}/v1/cases/${userId}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(20_000),
    });

  it(
    'runs sandbox cases to their end while a worker is SIGKILLed, through either API replica',
    async () => {
      expect(state.apis).toHaveLength(2);
      expect(state.workers).toHaveLength(2);
      for (const userId of Object.keys(CASES)) {
        // Through the balancer: round-robin over both replicas.
        expect((await api(state.apiUrl, 'PUT', userId)).status).toBeLessThan(300);
      }
      // Mid-way: the onboard and resubmit cases are waiting on SumSub's reviews (seconds apart).
      await sleep(1_500);
      const victim = state.workers[0]!;
      process.kill(victim.pid!, 'SIGKILL');
      await sleep(500);
      expect(alive(victim.pid)).toBe(false);

      const ends: Record<string, string> = {};
      const deadline = Date.now() + CASE_TIMEOUT_MS;
      for (const userId of Object.keys(CASES)) {
        for (;;) {
          // Each replica directly, in turn: both read the same cluster.
          const replica = state.apis[Object.keys(ends).length % 2]!;
          // A case last run on the killed worker answers its first query only once the server gives up
          // on that worker's sticky queue (seconds): a slow or failed read is retried, the end is what counts.
          const view = await api(replica.url, 'GET', userId).then(
            async (response) => (response.ok ? ((await response.json()) as CaseView) : null),
            () => null,
          );
          if (view === null) {
            if (Date.now() > deadline) {
              ends[userId] = 'unreadable';
              break;
            }
            await sleep(1_000);
            continue;
          }
          if (view.workflowStatus !== 'RUNNING') {
            ends[userId] = `${view.workflowStatus}:${view.outcome ?? view.phase}`;
            break;
          }
          if (Date.now() > deadline) {
            ends[userId] = `still ${view.phase}`;
            break;
          }
          await sleep(1_000);
        }
      }
      expect(ends).toEqual(
        Object.fromEntries(Object.entries(CASES).map(([userId, end]) => [userId, `COMPLETED:${end}`])),
      );

      // The simulators' webhooks went through the balancer; each replica served requests.
      const logs = await Promise.all(
        state.apis.map((replica) =>
          fs.readFile(path.join(dir, 'cluster', 'logs', `${replica.name}.log`), 'utf8'),
        ),
      );
      const served = logs.map((log) => (log.match(/"msg":"request"/g) ?? []).length);
      const webhooks = logs.map((log) => (log.match(/"route":"\/webhooks\//g) ?? []).length);
      expect(served.every((count) => count > 0)).toBe(true);
      expect(webhooks[0]! + webhooks[1]!).toBeGreaterThan(0);

      // Both workers kept the vendors' limits in the engine's database (KYC_DATABASE_URL, the `kyc` database
      // setup-schema.sh created), not each its own: cluster/README.md, "Vendor limits shared by the workers".
      const workerLogs = await Promise.all(
        state.workers.map((worker) =>
          fs.readFile(path.join(dir, 'cluster', 'logs', `${worker.name}.log`), 'utf8'),
        ),
      );
      for (const log of workerLogs) {
        expect(log).toContain('"msg":"vendor limits shared through the engine database (KYC_DATABASE_URL)"');
        expect(log).not.toContain('VendorLimitsUnavailable');
      }
    },
    CASE_TIMEOUT_MS + 60_000,
  );

  it('comes down on SIGINT: nothing left running, every port free', async () => {
    cluster!.kill('SIGINT');
    const code = await Promise.race([exited, deadlineOf(90_000)]);
    expect(code).toBe(0);
    expect(output).toContain('[cluster] stopped');
    const pids = [state.server.pid, ...state.apis.map((a) => a.pid), ...state.workers.map((w) => w.pid)];
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(path.join(state.postgres!.dataDir, 'postmaster.pid'))).toBe(false);
    const ports = [
      Number(state.temporalAddress.split(':')[1]),
      Number(new URL(state.apiUrl).port),
      Number(new URL(state.uiUrl!).port),
      state.postgres!.port,
      ...state.apis.map((a) => a.port),
    ];
    const taken: number[] = [];
    for (const port of ports) if (!(await isPortFree(port))) taken.push(port);
    expect(taken).toEqual([]);
  }, 120_000);
});
