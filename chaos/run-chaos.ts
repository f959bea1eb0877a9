import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CaseTimings } from '../domain';
import { seededRandom } from '../sandbox/shared/faults';
import { Stack } from '../stack/stack';
import { buildReport } from './build-report';
import { startCases } from './case-starter';
import { verifyCases, waitForExpectedEnds } from './case-watch';
import { playChaos } from './chaos-events';
import { planChaos } from './chaos-plan';
import { startClusterTopology } from './cluster-topology';
import { startDevTopology } from './dev-topology';
import { planCases } from './expected-ends';
import { callsByScenario, measureCalls } from './extra-calls';
import type { ChaosOptions, ChaosOptionsInput } from './options';
import { chaosOptionsSchema } from './options';
import { startPartnerReceiver } from './partner-receiver';
import type { ChaosReport } from './report';
import { writeChaosReport } from './report-page';
import { auditShareTokens } from './token-audit';
import type { TopologyContext } from './topology';

export interface ChaosHooks {
  /** Progress lines (no personal data: sandbox user ids at most). */
  log?: (line: string) => void;
  /** A Temporal CLI already found (the tests' global setup); otherwise it is resolved like `npm start` does. */
  temporalCli?: string;
  /** Aborts the run (Ctrl-C): everything started is stopped, and the run rejects. */
  signal?: AbortSignal;
}

/** How long, after the cases' ends, a parked case's notification still in flight may take to arrive. */
const NOTIFICATION_SETTLE_MS = 30_000;

/**
 * One chaos run on a topology (./topology.ts): the dev server and one worker, or the production cluster on
 * PostgreSQL with two workers and two APIs (`cluster: true`); both simulators injecting faults; cases of
 * every scenario started over a few seconds while processes are SIGKILLed and the server (and, on the
 * cluster, PostgreSQL) crashes and restarts; then every case is checked against its scenario and the
 * simulators' and the partner's logs against the promises (imports once, tokens once, `Retry-After`, no
 * notification lost). Everything it started is stopped before it returns, whatever happened.
 */
export async function runChaos(input: ChaosOptionsInput, hooks: ChaosHooks = {}): Promise<ChaosReport> {
  const parsed = chaosOptionsSchema.parse(input);
  // One seed for everything: the faults' own seed follows the run's, so a run is repeated by `--seed` alone.
  const options: ChaosOptions = { ...parsed, faults: { ...parsed.faults, seed: parsed.seed } };
  const startedAt = Date.now();
  const write = hooks.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const log = (line: string) => write(`[chaos +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${line}`);
  const random = seededRandom(options.seed);
  // The cluster's PostgreSQL runs as its own user, which cannot enter /root (nor, often, a private /tmp).
  const dataDir = await mkdtemp(path.join(options.cluster ? '/var/tmp' : os.tmpdir(), 'kyc-chaos-'));
  const stack = new Stack({
    log,
    reports: { failed: (_part, error) => log(`while stopping: ${String(error)}`) },
  });
  let keepData = false;
  try {
    // Its own generator: the partner's refusals must not shift the plan a seed gives.
    const partner = await startPartnerReceiver({
      refuseRate: options.faults.errorRate,
      random: seededRandom(options.seed + 1),
    });
    stack.onStop("the partner's receiver", () => partner.close());
    const context: TopologyContext = {
      options,
      dataDir,
      log,
      timings: caseTimings(options),
      partnerEnv: partner.env,
      stack,
      ...(hooks.temporalCli && { temporalCli: hooks.temporalCli }),
    };
    const topology = options.cluster ? await startClusterTopology(context) : await startDevTopology(context);
    const { client, sandbox } = topology;
    const tokens = auditShareTokens(sandbox);

    const runId = Date.now().toString(36);
    const planned = planCases(options.cases, runId, random);
    const events = planChaos(options, random);
    log(
      `${planned.length} cases over ${options.startSpreadMs / 1000} s on the ${topology.kind}; chaos: ` +
        events.map((e) => `${e.kind} at ${(e.atMs / 1000).toFixed(1)} s`).join(', '),
    );
    const chaosStart = Date.now();
    const starting = startCases(topology.startCase, planned, options.startSpreadMs, hooks.signal);
    const chaos = playChaos(events, chaosStart, topology, runId, log, hooks.signal);
    const [startFailures, { played, recoveries }] = await Promise.all([starting, chaos]);
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
    await topology.ensureWorkers();
    log('reading every case, the histories, the simulators’ and the partner’s logs');
    const verdicts = await verifyCases(client, planned, sandbox.log);
    const calls = await measureCalls(client, planned, sandbox.log);
    const notifications = await partner.settle(verdicts, NOTIFICATION_SETTLE_MS);

    const report = buildReport({
      options,
      startedAt,
      planned,
      verdicts,
      startFailures,
      sandbox,
      tokens: tokens.figures(),
      calls: callsByScenario(planned, calls),
      topology: topology.kind,
      figures: topology.figures(),
      played,
      recoveries,
      notifications,
      receipts: topology.receipts(),
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
    if (options.resultsDir) await writeChaosReport(report, options.resultsDir);
    return report;
  } catch (error) {
    keepData = true;
    log(`the run failed; the processes' logs are in ${dataDir}`);
    throw error;
  } finally {
    await stack.stop();
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
