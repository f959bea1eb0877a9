import os from 'node:os';
import path from 'node:path';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import type { CaseVerdict } from './case-watch';
import { runChecks } from './checks';
import type { PlannedCase } from './expected-ends';
import { EXPECTED_ENDS, SCENARIOS } from './expected-ends';
import type { callsByScenario } from './extra-calls';
import type { ChaosOptions } from './options';
import type { Recovery } from './recovery-probe';
import type { ChaosReport } from './report';
import { checkRetryAfter } from './retry-after';
import type { ChaosTemporalServer } from './temporal-server';
import type { TokenFigures } from './token-audit';
import type { ChaosWorker } from './worker-process';

export interface ReportInputs {
  options: ChaosOptions;
  startedAt: number;
  planned: readonly PlannedCase[];
  verdicts: CaseVerdict[];
  startFailures: string[];
  sandbox: RunningSandbox;
  tokens: TokenFigures;
  calls: ReturnType<typeof callsByScenario>;
  worker: ChaosWorker;
  server: ChaosTemporalServer;
  serverDowntimeMs: number;
  recoveries: Recovery[];
  receipts: Record<string, number>;
}

/** The run's figures and checks, from everything it observed. */
export function buildReport(inputs: ReportInputs): ChaosReport {
  const { options, verdicts, sandbox, worker } = inputs;
  const { requests, webhooks } = sandbox.log;
  const faultsInjected = { error: 0, rate_limit: 0, timeout: 0 };
  for (const request of requests) if (request.fault) faultsInjected[request.fault] += 1;
  const webhookFigures = {
    sent: webhooks.filter((w) => w.attempt === 1 && !w.duplicate).length,
    dropped: webhooks.filter((w) => w.dropped).length,
    duplicated: webhooks.filter((w) => w.duplicate && w.attempt === 1).length,
    failedDeliveries: webhooks.filter((w) => !w.dropped && (w.status === null || w.status >= 300)).length,
    redelivered: webhooks.filter((w) => w.attempt > 1).length,
    receipts: inputs.receipts,
  };
  const usersImportedTwice = inputs.planned.filter((p) => sandbox.log.importsOf(p.userId) > 1).length;
  const retryAfter = checkRetryAfter(requests, options.faults);
  // Stuck: still running short of where it should be. Anything else amiss is a case that ended wrong.
  const isStuck = (v: CaseVerdict) => v.workflowStatus === 'RUNNING' && v.phase !== v.expected;
  const stuck = verdicts.filter(isStuck);
  const workerFigures = {
    kills: worker.kills,
    distinctPids: new Set(worker.pids).size,
    unexpectedExits: worker.exits.filter((e) => !e.killed).length,
  };
  const checks = runChecks({
    options,
    verdicts,
    stuck,
    usersImportedTwice,
    tokens: inputs.tokens,
    retryAfter,
    faultsInjected,
    webhooks: webhookFigures,
    worker: workerFigures,
    serverRestarts: inputs.server.restarts,
    recoveries: inputs.recoveries,
    unmeasuredCases: inputs.calls.all?.unmeasured ?? options.cases,
    startFailures: inputs.startFailures.length,
  });

  const byScenario: ChaosReport['cases']['byScenario'] = {};
  for (const scenario of SCENARIOS) {
    const group = verdicts.filter((v) => v.scenario === scenario);
    if (group.length === 0) continue;
    const ends: Record<string, number> = {};
    for (const v of group) ends[v.phase] = (ends[v.phase] ?? 0) + 1;
    const durations = group.map((v) => v.durationMs).sort((a, b) => a - b);
    byScenario[scenario] = {
      cases: group.length,
      expected: EXPECTED_ENDS[scenario].phase,
      atExpectedEnd: group.filter((v) => v.problems.length === 0).length,
      ends,
      medianMs: durations[Math.floor((durations.length - 1) / 2)] ?? 0,
      maxMs: durations[durations.length - 1] ?? 0,
    };
  }
  return {
    passed: checks.every((c) => c.ok),
    startedAt: new Date(inputs.startedAt).toISOString(),
    durationMs: Date.now() - inputs.startedAt,
    machine: { cpus: os.cpus().length, platform: `${os.platform()} ${os.arch()}`, node: process.version },
    // The results file relative to the working directory: the committed JSON names no one's home directory.
    options: {
      ...options,
      resultsFile: options.resultsFile && path.relative(process.cwd(), options.resultsFile),
    },
    cases: {
      total: verdicts.length,
      atExpectedEnd: verdicts.filter((v) => v.problems.length === 0).length,
      continuedAsNew: verdicts.filter((v) => v.runs > 1).length,
      byScenario,
    },
    chaos: {
      workerKills: workerFigures.kills,
      workerProcesses: workerFigures.distinctPids,
      unexpectedWorkerExits: workerFigures.unexpectedExits,
      serverRestarts: inputs.server.restarts,
      serverDowntimeMs: inputs.serverDowntimeMs,
      recoveries: inputs.recoveries,
    },
    faults: { partnerCalls: requests.length, ...faultsInjected, webhooks: webhookFigures },
    imports: {
      successful: requests.filter((r) => r.endpoint === 'importKyc' && r.status >= 200 && r.status < 300)
        .length,
      usersImportedTwice,
    },
    shareTokens: inputs.tokens,
    retryAfter,
    extraCalls: inputs.calls,
    stuck: stuck.map((v) => ({ userId: v.userId, phase: v.phase })),
    wrong: verdicts
      .filter((v) => v.problems.length > 0 && !isStuck(v))
      .map((v) => ({ userId: v.userId, problems: v.problems })),
    startFailures: inputs.startFailures,
    checks,
    logs: null,
  };
}
