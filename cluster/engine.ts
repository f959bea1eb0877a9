/**
 * The engine's replicas as separate processes, exactly the programs compose runs (worker/main.ts and
 * client/api/main.ts, through tsx instead of the compiled dist/), each with the environment compose would give
 * it: one configuration (the same fields `npm start` fills) plus the ports that must differ per process.
 */
import path from 'node:path';
import { prettyFactory } from 'pino-pretty';
import type { Child } from './child';
import { startChild } from './child';

const REPO_ROOT = path.resolve(__dirname, '..');
const HOST = '127.0.0.1';
/** Each worker bundles the workflow code at start (seconds, more with two at once on two cores). */
const WORKER_READY_TIMEOUT_MS = 180_000;
const API_READY_TIMEOUT_MS = 60_000;
/** Above the worker's own grace for in-flight activities (KYC_SHUTDOWN_GRACE_TIME, 20 s by default). */
const WORKER_STOP_TIMEOUT_MS = 30_000;

export interface EngineProcess {
  child: Child;
  /** The API's own URL, or the worker's metrics URL. */
  url: string;
  port: number;
}

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

/** A worker (with its metrics on `metricsPort`); resolves once it polls its task queue. */
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
  // worker/main.ts logs this once its Worker exists and runs.
  await child.waitForLine((line) => line.includes('"msg":"worker polling"'), WORKER_READY_TIMEOUT_MS);
  return { child, url: `http://${HOST}:${ports.metrics}/metrics`, port: ports.metrics };
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
    'client/api/main.ts',
    { ...env, KYC_API_HOST: HOST, KYC_API_PORT: String(port) },
    logDir,
    15_000,
  );
  await child.waitForLine((line) => line.includes('"msg":"API listening"'), API_READY_TIMEOUT_MS);
  return { child, url: `http://${HOST}:${port}`, port };
}
