import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectKycClient } from '../client/temporal-connection';
import { generateCodecKey } from '../codec';
import type { CaseTimings } from '../domain';
import { seededRandom } from '../sandbox/shared/faults';
import { startSandbox } from '../sandbox/start-sandbox';
import { resolveTemporalCli } from '../scripts/temporal-cli';
import { buildReport } from './build-report';
import { startCases } from './case-starter';
import { verifyCases, waitForExpectedEnds } from './case-watch';
import { planChaos, playChaos } from './chaos-events';
import { planCases } from './expected-ends';
import { callsByScenario, measureCalls } from './extra-calls';
import type { ChaosOptions, ChaosOptionsInput } from './options';
import { chaosOptionsSchema } from './options';
import type { ChaosReport } from './report';
import { ChaosTemporalServer } from './temporal-server';
import { auditShareTokens } from './token-audit';
import { startWebhookReceiver } from './webhook-receiver';
import { workerEnv } from './worker-env';
import { ChaosWorker } from './worker-process';

const NAMESPACE = 'default';
const TASK_QUEUE = 'kyc-chaos';

export interface ChaosHooks {
  /** Progress lines (no personal data: sandbox user ids at most). */
  log?: (line: string) => void;
  /** A Temporal CLI already found (the tests' global setup); otherwise it is resolved like `npm start` does. */
  temporalCli?: string;
  /** Aborts the run (Ctrl-C): everything started is stopped, and the run rejects. */
  signal?: AbortSignal;
}

/**
 * One chaos run: a real Temporal dev server on a database file, both simulators injecting faults, the real
 * worker as a child process, and the engine's webhook receiver; cases of every scenario started over a few
 * seconds while the worker is SIGKILLed and the server crashes and restarts; then every case is checked
 * against its scenario and the simulators' logs against the promises (imports once, tokens once,
 * `Retry-After`). Everything it started is stopped before it returns, whatever happened.
 */
export async function runChaos(input: ChaosOptionsInput, hooks: ChaosHooks = {}): Promise<ChaosReport> {
  const parsed = chaosOptionsSchema.parse(input);
  // One seed for everything: the faults' own seed follows the run's, so a run is repeated by `--seed` alone.
  const options: ChaosOptions = { ...parsed, faults: { ...parsed.faults, seed: parsed.seed } };
  const startedAt = Date.now();
  const write = hooks.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const log = (line: string) => write(`[chaos +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${line}`);
  const random = seededRandom(options.seed);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kyc-chaos-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  let keepData = false;
  try {
    const cli = hooks.temporalCli ?? (await resolveTemporalCli({ log }));
    const serverLog = createWriteStream(path.join(dataDir, 'temporal.log'));
    cleanups.push(() => new Promise((resolve) => serverLog.end(resolve)));
    log(`starting a Temporal dev server (state in ${path.join(dataDir, 'temporal.db')})`);
    const server = await ChaosTemporalServer.start(cli, dataDir, (line) => void serverLog.write(`${line}\n`));
    cleanups.push(() => server.stop());

    const codec = { KYC_CODEC_KEY: generateCodecKey('chaos'), KYC_CODEC_PREVIOUS_KEYS: [] };
    const temporal = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    };
    const client = await connectKycClient({ ...temporal, ...codec });
    cleanups.push(() => client.connection.close());

    const webhookSecret = randomBytes(18).toString('base64url');
    const receiver = await startWebhookReceiver(client, webhookSecret);
    cleanups.push(() => receiver.close());
    const sandbox = await startSandbox({
      webhookUrl: receiver.url,
      webhookSecret,
      reviewDelayMs: options.reviewDelayMs,
      decisionDelayMs: options.decisionDelayMs,
      faults: options.faults,
    });
    cleanups.push(() => sandbox.close());
    const tokens = auditShareTokens(sandbox);

    const worker = new ChaosWorker(
      await workerEnv(options, sandbox, { ...temporal, KYC_CODEC_KEY: codec.KYC_CODEC_KEY }, dataDir),
      path.join(dataDir, 'worker.log'),
    );
    cleanups.push(() => worker.close());
    log('starting the worker (node --import tsx worker/main.ts)');
    await worker.start();

    const runId = Date.now().toString(36);
    const planned = planCases(options.cases, runId, random);
    const events = planChaos(options, random);
    log(
      `${planned.length} cases over ${options.startSpreadMs / 1000} s; chaos: ` +
        events.map((e) => `${e.kind} at ${(e.atMs / 1000).toFixed(1)} s`).join(', '),
    );
    const chaosStart = Date.now();
    const timings = caseTimings(options);
    const starting = startCases(client, planned, TASK_QUEUE, timings, options.startSpreadMs, hooks.signal);
    const targets = { client, taskQueue: TASK_QUEUE, worker, server, runId };
    const chaos = playChaos(events, chaosStart, targets, log, hooks.signal);
    const [startFailures, { serverDowntimeMs, recoveries }] = await Promise.all([starting, chaos]);
    for (const r of recoveries)
      log(
        `after ${r.event}: ${r.recoveredMs === null ? 'no recovery' : `a new case approved in ${(r.recoveredMs / 1000).toFixed(1)} s`}`,
      );
    log(
      `all cases started (${startFailures.length} failed to start) and the chaos is over; waiting for every end`,
    );

    const boundAt = chaosStart + options.startSpreadMs + options.deadlineMs + options.settleBoundMs;
    const progress = (settled: number, total: number) => log(`${settled}/${total} cases at their end`);
    await waitForExpectedEnds(client, planned, boundAt, progress, hooks.signal);
    // A worker that died on its own near the end is started again, so parked cases can answer their query.
    if (!worker.running) await worker.start();
    log('reading every case, the histories and the simulators’ logs');
    const verdicts = await verifyCases(client, planned, sandbox.log);
    const calls = await measureCalls(client, planned, sandbox.log);

    const report = buildReport({
      options,
      startedAt,
      planned,
      verdicts,
      startFailures,
      sandbox,
      tokens: tokens.figures(),
      calls: callsByScenario(planned, calls),
      worker,
      server,
      serverDowntimeMs,
      recoveries,
      receipts: receiver.receipts,
    });
    keepData = !report.passed || options.keepLogs;
    if (keepData) {
      report.logs = dataDir;
      // To trace a figure or a failed check: what the simulators saw and each case's verdict and calls (user
      // ids, endpoints, statuses, counts: no token or body).
      const jsonLines = (entries: unknown[]) =>
        `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`;
      await writeFile(
        path.join(dataDir, 'simulators.jsonl'),
        jsonLines([...sandbox.log.requests, ...sandbox.log.webhooks]),
      );
      await writeFile(
        path.join(dataDir, 'cases.jsonl'),
        jsonLines(verdicts.map((v) => ({ ...v, ...calls.get(v.userId) }))),
      );
    }
    if (options.resultsFile) {
      await mkdir(path.dirname(options.resultsFile), { recursive: true });
      await writeFile(options.resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    }
    return report;
  } catch (error) {
    keepData = true;
    log(`the run failed; the worker's and the server's logs are in ${dataDir}`);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => log(`while stopping: ${String(error)}`));
    }
    if (!keepData) await rm(dataDir, { recursive: true, force: true });
  }
}

/** Short timings so that deadlines pass within the run, and continue-as-new happens under chaos too. */
function caseTimings(options: ChaosOptions): Partial<CaseTimings> {
  return {
    pollSchedule: ['1s', '2s'],
    reviewPollInterval: '3s',
    userDeadline: options.deadlineMs,
    decisionDeadline: options.deadlineMs,
    waitsPerRun: options.waitsPerRun,
  };
}
