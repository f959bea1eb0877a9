/**
 * `npm start`: the whole engine on one machine. A Temporal dev server (state kept in KYC_DATA_DIR, so cases
 * survive a restart, with the Web UI pointed at the codec endpoint), the worker, the HTTP API with both
 * webhooks and the codec endpoint, and, unless Kriptomat credentials are configured (environment or
 * `.env`), the Kriptomat and SumSub simulators. Until Ctrl-C.
 */
import path from 'node:path';
import pretty from 'pino-pretty';
import { environmentWithDotenv } from '../config';
import { ConfigurationError } from '../domain';
import { createLogger } from '../observability/logger';
import { installWorkerRuntime } from '../worker/runtime';
import { formatBanner } from '../stack/banner';
import { PortInUseError } from '../stack/dev-server';
import { engineConfigs } from '../stack/engine-env';
import { createEngineWorker, startApi } from '../stack/in-process';
import { writeLocalEnv } from '../stack/local-env';
import { startSimulators } from '../stack/simulators';
import { Stack, StartInterrupted } from '../stack/stack';
import { NAMESPACE, startDevTemporal } from '../stack/temporal';
import { isPortFree } from '../stack/ports';
import {
  describeError,
  log,
  portFromEnv,
  portInUse,
  PlainError,
  watchStopSignals,
  within,
} from './start-support';
import { resolveTemporalCli } from './temporal-cli';

const REPO_ROOT = path.resolve(__dirname, '..');
const TASK_QUEUE = 'kyc';
const HOST = '127.0.0.1';
const WORKER_STOP_TIMEOUT_MS = 15_000;

async function main(): Promise<number> {
  const env = environmentWithDotenv();
  // Human-readable lines for a terminal; the redaction of personal data and secrets is the same as in JSON.
  const logger = createLogger({
    service: 'engine',
    level: env.LOG_LEVEL || 'info',
    destination: pretty({ destination: 2, colorize: process.stderr.isTTY, ignore: 'pid,hostname,service' }),
  });
  // No shutdown signals for the runtime: it would stop the worker on its own, racing the ordered stop below.
  // The SDK's own INFO lines (bundling, state changes) are noise in a terminal; its warnings are not.
  const sdkLog = logger.child({}, { level: env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' });
  const runtime = await installWorkerRuntime({ logger: sdkLog, shutdownSignals: [] });
  const stop = watchStopSignals();
  // Quiet while stopping, but for a part that fails to stop.
  const stack = new Stack({
    log,
    stopRequested: () => stop.requested(),
    reports: { failed: (_part, error) => log(`while stopping: ${describeError(error)}`) },
  });
  try {
    const sandboxMode = !env.KRIPTOMAT_BASE_URL;
    const ports = {
      temporal: portFromEnv('TEMPORAL_PORT', 7233),
      ui: portFromEnv('TEMPORAL_UI_PORT', 8233),
      api: portFromEnv('KYC_API_PORT', 8080),
      kriptomat: portFromEnv('KRIPTOMAT_SIM_PORT', 8081),
      sumsub: portFromEnv('SUMSUB_SIM_PORT', 8082),
    };
    const dataDir = path.resolve(env.KYC_DATA_DIR || path.join(REPO_ROOT, '.data'));
    const cli = await resolveTemporalCli();
    stack.checkpoint();
    // Checked before the dev server starts, so a taken port fails in a second rather than after it.
    const ownPorts: [number, string, string][] = [[ports.api, 'API', 'KYC_API_PORT']];
    if (sandboxMode) {
      ownPorts.push([ports.kriptomat, 'Kriptomat simulator', 'KRIPTOMAT_SIM_PORT']);
      ownPorts.push([ports.sumsub, 'SumSub simulator', 'SUMSUB_SIM_PORT']);
    }
    for (const [port, what, envVar] of ownPorts) {
      if (!(await isPortFree(port))) throw portInUse(port, what, envVar);
    }

    const apiUrl = `http://${HOST}:${ports.api}`;
    const dbFile = path.join(dataDir, 'temporal.db');
    log(`starting the Temporal dev server (state in ${dbFile})`);
    const server = await startDevTemporal(stack, {
      cli,
      port: ports.temporal,
      uiPort: ports.ui,
      dbFile,
      namespace: NAMESPACE,
      // The UI's browser calls the codec endpoint itself: from this machine, which the endpoint trusts.
      extraArgs: ['--ui-codec-endpoint', `${apiUrl}/codec`],
      log: (line) => void process.stderr.write(`[temporal] ${line}\n`),
    }).catch((error: unknown) => {
      if (!(error instanceof PortInUseError)) throw error;
      if (error.role === 'ui') throw portInUse(error.port, 'Temporal UI', 'TEMPORAL_UI_PORT');
      throw portInUse(error.port, 'Temporal gRPC', 'TEMPORAL_PORT');
    });
    stack.checkpoint();

    const connection = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      KYC_API_URL: apiUrl,
    };
    // Before the simulators: Kriptomat's simulator is given the webhook URL with this engine's token.
    const local = await writeLocalEnv(dataDir, connection, env);
    const webhookToken = local.secrets.KRIPTOMAT_WEBHOOK_TOKEN;
    const sandbox = sandboxMode ? await startSimulators(stack, apiUrl, ports, webhookToken) : null;
    stack.checkpoint();
    const uiOrigins = [`http://${HOST}:${ports.ui}`, `http://localhost:${ports.ui}`].join(',');
    const configs = engineConfigs(env, sandbox, {
      ...connection,
      ...local.secrets,
      KYC_API_HOST: HOST,
      KYC_API_PORT: String(ports.api),
      KYC_CODEC_CORS_ORIGINS: env.KYC_CODEC_CORS_ORIGINS ?? uiOrigins,
      // Approved users are watched on one machine unless the environment says otherwise (docs/partner-guide.md).
      KYC_WATCH_APPROVED: env.KYC_WATCH_APPROVED ?? 'true',
      // The audit trail on embedded PostgreSQL beside the dev server's state, unless the engine has its own.
      ...(!env.KYC_DATABASE_URL && {
        KYC_AUDIT_DATA_DIR: env.KYC_AUDIT_DATA_DIR ?? path.join(dataDir, 'audit'),
      }),
    });
    const api = await startApi(stack, configs.api, logger, runtime.sdkMetricsUrl);
    stack.checkpoint();

    log('bundling the workflow code and starting the worker');
    const worker = await createEngineWorker(stack, configs.worker, api.observeHttpCall);
    // The worker is the main task: it runs even if a stop was asked meanwhile (an unrun worker cannot be shut
    // down), and whatever ends it, or the server under it, ends the whole process.
    const running = worker.run();
    if (!stop.requested()) {
      process.stdout.write(
        formatBanner({
          apiUrl,
          address: server.address,
          uiUrl: server.uiUrl,
          namespace: NAMESPACE,
          taskQueue: TASK_QUEUE,
          envFile: path.relative(process.cwd(), local.file) || local.file,
          sandbox: sandbox && { kriptomatUrl: sandbox.kriptomat.url, sumsubUrl: sandbox.sumsub.url },
        }),
      );
    }
    const problem = await Promise.race([
      running.then(() => 'the worker stopped on its own'),
      server.exited.then((how) => `the Temporal dev server stopped unexpectedly (${how})`),
      stop.signal.then(() => null),
    ]);
    if (problem !== null) log(`${problem}; stopping`);
    if (worker.getState() === 'RUNNING') {
      log('stopping the worker (finishing tasks in flight)');
      worker.shutdown();
      // Bounded: with its server gone, a worker might otherwise wait on polls forever.
      await within(running, WORKER_STOP_TIMEOUT_MS, 'the worker shutdown');
    }
    if (problem !== null) throw new PlainError(problem);
    return 0;
  } catch (error) {
    if (error instanceof StartInterrupted) return 0;
    log(
      error instanceof PlainError || error instanceof ConfigurationError
        ? `error: ${error.message}`
        : `failed: ${describeError(error)}`,
    );
    return 1;
  } finally {
    // Reverse order: the worker's connection, the API, the simulators, the server last.
    await stack.stop();
  }
}

// process.exit, not a natural end: a stray handle (a native runtime thread, a socket) must not keep a
// stopped engine's process alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${describeError(error)}`);
    process.exit(1);
  },
);
