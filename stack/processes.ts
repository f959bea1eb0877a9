/**
 * The engine's replicas as separate processes, exactly the programs compose runs (worker/main.ts and
 * api/main.ts, through tsx instead of the compiled dist/), each with the environment compose would give
 * it: one configuration (the same fields `npm start` fills) plus the ports that must differ per process.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { prettyFactory } from 'pino-pretty';
import { WORKER_VERSION_MESSAGE } from '../worker/create-worker';
import type { Child } from './child';
import { startChild } from './child';
import { DEFAULT_WORKER_DEPLOYMENT } from '../config';

const REPO_ROOT = path.resolve(__dirname, '..');
const HOST = '127.0.0.1';
/** Each worker bundles the workflow code at start (seconds, more with two at once on two cores). */
const WORKER_READY_TIMEOUT_MS = 180_000;
const API_READY_TIMEOUT_MS = 60_000;
/** Above the worker's own grace for in-flight activities (KYC_SHUTDOWN_GRACE_TIME, 20 s by default). */
const WORKER_STOP_TIMEOUT_MS = 30_000;
/** How long after its "polling" line a worker's version line may still be on its way through the pipe. */
const VERSION_LINE_GRACE_MS = 1_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export interface EngineProcess {
  child: Child;
  /** The API's own URL, or the worker's metrics URL. */
  url: string;
  port: number;
  /** A worker's: the identity its workflow tasks carry in history, and the build id it polls as (or null). */
  worker?: { identity: string; buildId: string | null };
}

/**
 * What the workflow bundle is made of: the workflow code and the domain code it imports values from (the
 * activities' types only, which the bundle does not contain). Any change here is a change of the code that
 * replays histories, so it gets a new version.
 */
const WORKFLOW_CODE_DIRS = ['workflows', 'domain'];

const prettify = prettyFactory({
  colorize: process.stderr.isTTY,
  ignore: 'pid,hostname,service',
  singleLine: true,
});

/** pino's JSON lines made readable in the terminal; the log file keeps the JSON. */
function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    // The first line only: the SDK's bundling message carries webpack's whole report.
    return prettify(line).trimEnd().split('\n')[0] ?? line;
  } catch {
    return line;
  }
}

function nodeProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  logDir: string,
  stopTimeoutMs: number,
): Child {
  return startChild({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(REPO_ROOT, entry)],
    cwd: REPO_ROOT,
    env,
    logFile: path.join(logDir, `${name}.log`),
    echo: readable,
    stopTimeoutMs,
  });
}

/**
 * The build id of the workflow code in this checkout: `wf-` and a hash of its sources and of the workflow
 * SDK's version, so that new workflow code gets a new deployment version without anyone choosing one, and
 * the same code (a restart, a second worker) the same version. Changes outside the workflow code (an
 * activity, the API) keep the version: they do not change how a history replays.
 */
export async function workflowCodeBuildId(root: string = REPO_ROOT): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of WORKFLOW_CODE_DIRS) {
    const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
      .sort();
    for (const file of files) {
      // The name too: a file moved is a different bundle. NUL-separated, so no two inputs hash alike.
      hash
        .update(`${file}\0`)
        .update(await readFile(path.join(root, file)))
        .update('\0');
    }
  }
  const sdk = JSON.parse(
    await readFile(path.join(root, 'node_modules', '@temporalio', 'workflow', 'package.json'), 'utf8'),
  ) as { version: string };
  hash.update(`@temporalio/workflow@${sdk.version}`);
  return `wf-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The deployment version every worker of this run polls as: `KYC_WORKER_DEPLOYMENT_NAME` and
 * `KYC_WORKER_BUILD_ID` when set (an operator's or a test's explicit choice wins), else the cluster's
 * deployment and the workflow code's build id. Merged into each worker's environment; the caller then sets
 * that version current (cluster/rollout.ts), or the workers get no task.
 */
export async function workerVersionEnv(
  env: NodeJS.ProcessEnv,
): Promise<{ KYC_WORKER_DEPLOYMENT_NAME: string; KYC_WORKER_BUILD_ID: string }> {
  return {
    KYC_WORKER_DEPLOYMENT_NAME: env.KYC_WORKER_DEPLOYMENT_NAME || DEFAULT_WORKER_DEPLOYMENT,
    KYC_WORKER_BUILD_ID: env.KYC_WORKER_BUILD_ID || (await workflowCodeBuildId()),
  };
}

/** A worker's start line (worker/create-worker.ts) as pino wrote it. */
interface VersionLine {
  identity?: string;
  buildId?: string;
}

/**
 * A worker (with its metrics on `metricsPort`); resolves once it polls its task queue. It polls as the
 * deployment version its `env` names (KYC_WORKER_DEPLOYMENT_NAME/KYC_WORKER_BUILD_ID, see workerVersionEnv),
 * or unversioned without them.
 */
export async function startWorker(
  index: number,
  env: Record<string, string>,
  ports: { metrics: number; sdkMetrics: number },
  logDir: string,
): Promise<EngineProcess> {
  const child = nodeProcess(
    `worker-${index}`,
    'worker/main.ts',
    {
      ...env,
      KYC_METRICS_HOST: HOST,
      KYC_METRICS_PORT: String(ports.metrics),
      KYC_SDK_METRICS_PORT: String(ports.sdkMetrics),
    },
    logDir,
    WORKER_STOP_TIMEOUT_MS,
  );
  // worker/create-worker.ts logs the version once the Worker exists, before main.ts says it polls (one pino
  // stream, so in that order). Not seen (a LOG_LEVEL above info): the worker's identity is not known.
  const versionLine = child
    .waitForLine((line) => line.includes(`"msg":"${WORKER_VERSION_MESSAGE}"`), WORKER_READY_TIMEOUT_MS)
    .catch(() => null);
  // worker/main.ts logs this once its Worker exists and runs.
  await child.waitForLine((line) => line.includes('"msg":"worker polling"'), WORKER_READY_TIMEOUT_MS);
  const line = await Promise.race([versionLine, sleep(VERSION_LINE_GRACE_MS).then(() => null)]);
  const version = line ? (JSON.parse(line) as VersionLine) : null;
  return {
    child,
    url: `http://${HOST}:${ports.metrics}/metrics`,
    port: ports.metrics,
    ...(version?.identity && { worker: { identity: version.identity, buildId: version.buildId ?? null } }),
  };
}

/** An API replica on `port`; resolves once `/healthz` answers. */
export async function startApiProcess(
  index: number,
  env: Record<string, string>,
  port: number,
  logDir: string,
): Promise<EngineProcess> {
  const child = nodeProcess(
    `api-${index}`,
    'api/main.ts',
    { ...env, KYC_API_HOST: HOST, KYC_API_PORT: String(port) },
    logDir,
    15_000,
  );
  await child.waitForLine((line) => line.includes('"msg":"API listening"'), API_READY_TIMEOUT_MS);
  return { child, url: `http://${HOST}:${port}`, port };
}
