import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { connectKycClient } from '../client/temporal-connection';
import { startOrJoinCase } from '../client/kyc-cases';
import { generateCodecKey } from '../codec';
import { resolveTemporalCli } from '../scripts/temporal-cli';
import { startChaosSandbox } from './chaos-sandbox';
import type { ChaosTopology, TopologyContext } from './topology';
import { ChaosTemporalServer } from './temporal-server';
import { sleep } from './waits';
import { startWebhookReceiver } from './webhook-receiver';
import { workerEnv } from './worker-env';
import { ChaosWorker } from './worker-process';

const NAMESPACE = 'default';
const TASK_QUEUE = 'kyc-chaos';

/**
 * The dev-server topology (`npm run chaos`, and the small run of `npm test`): a Temporal dev server on a
 * database file, the engine's webhook receiver in the run's own process, one worker process. Cases are
 * started with the run's own client, as a partner embedding the client library would.
 */
export async function startDevTopology(context: TopologyContext): Promise<ChaosTopology> {
  const { options, dataDir, log, stack } = context;
  const cli = context.temporalCli ?? (await resolveTemporalCli({ log }));
  const serverLog = createWriteStream(path.join(dataDir, 'temporal.log'));
  stack.onStop("the server's log", () => new Promise((resolve) => serverLog.end(resolve)));
  log(`starting a Temporal dev server (state in ${path.join(dataDir, 'temporal.db')})`);
  const server = await ChaosTemporalServer.start(cli, dataDir, (line) => void serverLog.write(`${line}\n`));
  stack.onStop('the Temporal dev server', () => server.stop());

  const codec = { KYC_CODEC_KEY: generateCodecKey('chaos'), KYC_CODEC_PREVIOUS_KEYS: [] };
  const temporal = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
  };
  const client = await connectKycClient({ ...temporal, ...codec });
  stack.onStop("the run's client", () => client.connection.close());

  const webhookSecret = randomBytes(18).toString('base64url');
  const receiver = await startWebhookReceiver(client, webhookSecret);
  stack.onStop('the webhook receiver', () => receiver.close());
  const sandbox = await startChaosSandbox(options, { webhookUrl: receiver.url, webhookSecret });
  stack.onStop('the simulators', () => sandbox.close());

  const engine = { ...temporal, KYC_CODEC_KEY: codec.KYC_CODEC_KEY, ...context.partnerEnv };
  const worker = new ChaosWorker(
    await workerEnv(options, sandbox, engine, dataDir),
    path.join(dataDir, 'worker.log'),
  );
  stack.onStop('the worker', () => worker.close());
  log('starting the worker (node --import tsx worker/main.ts)');
  await worker.start();

  let serverDowntimeMs = 0;
  let restarting: Promise<void> = Promise.resolve();
  return {
    kind: 'dev-server',
    client,
    sandbox,
    startCase: async (userId) => {
      await startOrJoinCase(client, userId, { taskQueue: TASK_QUEUE, timings: context.timings });
    },
    inflict: async (event) => {
      switch (event.kind) {
        case 'kill-worker': {
          const pid = worker.pid;
          await worker.kill();
          restarting = sleep(event.downtimeMs).then(async () => {
            const next = await startWithRetries(() => worker.start());
            log(`worker ${next} polling`);
          });
          // Awaited by `settled`; until then a failed restart must not be an unhandled rejection.
          restarting.catch(() => undefined);
          return { line: `SIGKILLed worker ${pid ?? '?'}; down for ${event.downtimeMs} ms`, downMs: null };
        }
        case 'restart-server': {
          log('killing the Temporal dev server (SIGKILL) and starting it again on the same database file');
          const down = await server.crashAndRestart();
          serverDowntimeMs += down;
          return { line: `Temporal dev server back after ${(down / 1000).toFixed(1)} s`, downMs: down };
        }
        default:
          throw new Error(`${event.kind} needs the cluster topology (--cluster)`);
      }
    },
    settled: () => restarting,
    ensureWorkers: async () => {
      if (!worker.running) await worker.start();
    },
    figures: () => ({
      workers: {
        kills: worker.kills,
        distinctPids: new Set(worker.pids).size,
        unexpectedExits: worker.exits.filter((e) => !e.killed).length,
      },
      apis: null,
      apiRequests: null,
      serverRestarts: server.restarts,
      serverDowntimeMs,
      unexpectedServerExits: 0,
      dbRestarts: 0,
      dbDowntimeMs: 0,
      rollingDeploys: 0,
    }),
    receipts: () => ({ ...receiver.receipts }),
  };
}

/**
 * A worker started again after a kill: a start can fail when it meets a server restart (the worker cannot
 * connect, and exits), so it is tried a few times before the run gives up on it.
 */
export async function startWithRetries<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(2_000 * attempt);
    }
  }
}
