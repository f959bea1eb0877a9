/**
 * `npm start`: the whole engine on one machine. A Temporal dev server (state kept in KYC_DATA_DIR, so cases
 * survive a restart), the Kriptomat and SumSub simulators, the SumSub webhook receiver and the worker, until
 * Ctrl-C.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import path from 'node:path';
import { startSandbox } from '../sandbox/start-sandbox';
import { loadWorkerConfig } from '../config';
import { createKycWorker } from '../worker/create-worker';
import { serveWebhooks } from './serve-webhooks';
import { PortInUseError, startDevServer } from './dev-server';
import { isPortFree } from './ports';
import { formatBanner } from './start-banner';
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
const NAMESPACE = 'default';
const WORKER_STOP_TIMEOUT_MS = 15_000;

/** A signal arrived while starting: unwind what started, and exit 0 as after a normal stop. */
class StopRequested extends Error {}

async function main(): Promise<number> {
  // No shutdown signals for the Runtime: it would stop the worker on its own, racing the ordered stop below.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const stop = watchStopSignals();
  const checkpoint = (): void => {
    if (stop.requested()) throw new StopRequested();
  };
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const ports = {
      temporal: portFromEnv('TEMPORAL_PORT', 7233),
      ui: portFromEnv('TEMPORAL_UI_PORT', 8233),
      api: portFromEnv('KYC_API_PORT', 8080),
      kriptomat: portFromEnv('KRIPTOMAT_SIM_PORT', 8081),
      sumsub: portFromEnv('SUMSUB_SIM_PORT', 8082),
    };
    const dbFile = path.join(
      path.resolve(process.env.KYC_DATA_DIR || path.join(REPO_ROOT, '.data')),
      'temporal.db',
    );
    const cli = await resolveTemporalCli();
    checkpoint();
    // Checked before the dev server starts, so a taken port fails in a second rather than after it.
    const ownPorts = [
      [ports.api, 'webhook receiver', 'KYC_API_PORT'],
      [ports.kriptomat, 'Kriptomat simulator', 'KRIPTOMAT_SIM_PORT'],
      [ports.sumsub, 'SumSub simulator', 'SUMSUB_SIM_PORT'],
    ] as const;
    for (const [port, what, envVar] of ownPorts) {
      if (!(await isPortFree(port))) throw portInUse(port, what, envVar);
    }

    log(`starting the Temporal dev server (state in ${dbFile})`);
    const server = await startDevServer({
      cli,
      port: ports.temporal,
      uiPort: ports.ui,
      dbFile,
      namespace: NAMESPACE,
      log: (line) => void process.stderr.write(`[temporal] ${line}\n`),
    }).catch((error: unknown) => {
      if (!(error instanceof PortInUseError)) throw error;
      if (error.role === 'ui') throw portInUse(error.port, 'Temporal UI', 'TEMPORAL_UI_PORT');
      throw portInUse(error.port, 'Temporal gRPC', 'TEMPORAL_PORT');
    });
    cleanups.push(() => server.stop());
    checkpoint();

    // Fresh secrets per run: only this process talks to the simulators, which listen on loopback only.
    const webhookUrl = `http://127.0.0.1:${ports.api}/webhooks/sumsub`;
    const sandbox = await startSandbox({
      webhookUrl,
      reviewDelayMs: 3000,
      decisionDelayMs: 2000,
      kriptomatPort: ports.kriptomat,
      sumsubPort: ports.sumsub,
    });
    cleanups.push(() => sandbox.close());
    checkpoint();

    const clientConnection = await Connection.connect({ address: server.address });
    cleanups.push(() => clientConnection.close());
    const client = new Client({ connection: clientConnection, namespace: NAMESPACE });
    const webhooks = await serveWebhooks(client, sandbox.sumsubWebhookSecret, ports.api);
    cleanups.push(() => webhooks.close());
    checkpoint();

    const connection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    log('bundling the workflow code and starting the worker');
    const config = loadWorkerConfig({
      ...sandbox.workerEnv,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    });
    const worker = await createKycWorker(connection, config);
    // The worker is the main task: it runs even if a stop was asked meanwhile (an unrun worker cannot be shut
    // down), and whatever ends it, or the server under it, ends the whole process.
    const running = worker.run();
    if (!stop.requested()) {
      const info = {
        cli,
        address: server.address,
        uiUrl: server.uiUrl,
        kriptomatUrl: sandbox.kriptomat.url,
        sumsubUrl: sandbox.sumsub.url,
        webhookUrl,
      };
      process.stdout.write(formatBanner({ ...info, taskQueue: TASK_QUEUE, namespace: NAMESPACE }));
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
    if (error instanceof StopRequested) return 0;
    log(error instanceof PlainError ? `error: ${error.message}` : `failed: ${describeError(error)}`);
    return 1;
  } finally {
    // Reverse order: the worker's connection, the receiver, the simulators, the server last.
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => log(`while stopping: ${describeError(error)}`));
    }
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
