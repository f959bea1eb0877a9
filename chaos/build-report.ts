import os from 'node:os';
import path from 'node:path';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import type { CaseVerdict } from './case-watch';
import type { PlayedFault } from './chaos-events';
import { FAULT_NAMES } from './chaos-plan';
import { runChecks } from './checks';
import type { PlannedCase } from './expected-ends';
import { EXPECTED_ENDS, SCENARIOS } from './expected-ends';
import type { callsByScenario } from './extra-calls';
import type { ChaosOptions } from './options';
import type { NotificationFigures } from './partner-receiver';
import type { Recovery } from './recovery-probe';
import type { ChaosReport, RecoveryFigures } from './report';
import { checkRetryAfter } from './retry-after';
import type { TokenFigures } from './token-audit';
import type { TopologyFigures } from './topology';

export interface ReportInputs {
  options: ChaosOptions;
  startedAt: number;
  planned: readonly PlannedCase[];
  verdicts: CaseVerdict[];
  startFailures: string[];
  sandbox: RunningSandbox;
  tokens: TokenFigures;
  calls: ReturnType<typeof callsByScenario>;
  topology: 'dev-server' | 'cluster';
  figures: TopologyFigures;
  played: PlayedFault[];
  recoveries: Recovery[];
  notifications: NotificationFigures;
  receipts: Record<string, number>;
}

/** The run's figures and checks, from everything it observed. */
export function buildReport(inputs: ReportInputs): ChaosReport {
  const { options, verdicts, sandbox, figures } = inputs;
  const { requests } = sandbox.log;
  // SumSub's signed events carry the drop and duplicate faults; Kriptomat's own (the cluster's APIs take
  // them) are counted beside them.
  const webhooks = sandbox.log.webhooks.filter((w) => w.service === 'sumsub');
  const kriptomatWebhooks = sandbox.log.webhooks.filter((w) => w.service === 'kriptomat');
  const faultsInjected = { error: 0, rate_limit: 0, timeout: 0 };
  for (const request of requests) if (request.fault) faultsInjected[request.fault] += 1;
  const webhookFigures = {
    sent: webhooks.filter((w) => w.attempt === 1 && !w.duplicate).length,
    dropped: webhooks.filter((w) => w.dropped).length,
    duplicated: webhooks.filter((w) => w.duplicate && w.attempt === 1).length,
    failedDeliveries: webhooks.filter((w) => !w.dropped && (w.status === null || w.status >= 300)).length,
    redelivered: webhooks.filter((w) => w.attempt > 1).length,
    receipts: inputs.receipts,
    kriptomat: {
      sent: kriptomatWebhooks.filter((w) => w.attempt === 1).length,
      failedDeliveries: kriptomatWebhooks.filter((w) => w.status === null || w.status >= 300).length,
      redelivered: kriptomatWebhooks.filter((w) => w.attempt > 1).length,
    },
  };
  const usersImportedTwice = inputs.planned.filter((p) => sandbox.log.importsOf(p.userId) > 1).length;
  const retryAfter = checkRetryAfter(requests, options.faults);
  // Stuck: still running short of where it should be. Anything else amiss is a case that ended wrong.
  const isStuck = (v: CaseVerdict) => v.workflowStatus === 'RUNNING' && v.phase !== v.expected;
  const stuck = verdicts.filter(isStuck);
  const checks = runChecks({
    options,
    verdicts,
    stuck,
    usersImportedTwice,
    tokens: inputs.tokens,
    retryAfter,
    faultsInjected,
    webhooks: webhookFigures,
    topology: figures,
    notifications: inputs.notifications,
    recoveries: inputs.recoveries,
    unmeasuredCases: inputs.calls.all?.unmeasured ?? options.cases,
    workflowTaskFailures: inputs.calls.all?.workflowTaskFailures ?? 0,
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
    // The results folder relative to the working directory: the committed JSON names no one's home directory.
    options: {
      ...options,
      resultsDir: options.resultsDir && path.relative(process.cwd(), options.resultsDir),
    },
    cases: {
      total: verdicts.length,
      atExpectedEnd: verdicts.filter((v) => v.problems.length === 0).length,
      continuedAsNew: verdicts.filter((v) => v.runs > 1).length,
      byScenario,
    },
    chaos: {
      topology: inputs.topology,
      workerKills: figures.workers.kills,
      workerProcesses: figures.workers.distinctPids,
      unexpectedWorkerExits: figures.workers.unexpectedExits,
      apiKills: figures.apis?.kills ?? null,
      apiProcesses: figures.apis?.distinctPids ?? null,
      unexpectedApiExits: figures.apis?.unexpectedExits ?? null,
      apiRequests: figures.apiRequests,
      serverRestarts: figures.serverRestarts,
      serverDowntimeMs: figures.serverDowntimeMs,
      unexpectedServerExits: figures.unexpectedServerExits,
      dbRestarts: figures.dbRestarts,
      dbDowntimeMs: figures.dbDowntimeMs,
      rollingDeploys: figures.rollingDeploys,
      faults: inputs.played,
      recoveries: inputs.recoveries,
      recoveryByKind: recoveryByKind(inputs.recoveries),
    },
    faults: { partnerCalls: requests.length, ...faultsInjected, webhooks: webhookFigures },
    imports: {
      successful: requests.filter((r) => r.endpoint === 'importKyc' && r.status >= 200 && r.status < 300)
        .length,
      usersImportedTwice,
    },
    notifications: inputs.notifications,
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

/** Recovery per fault kind, named as the report names them (`worker kill`, `PostgreSQL restart`). */
export function recoveryByKind(recoveries: readonly Recovery[]): Record<string, RecoveryFigures> {
  const byKind: Record<string, RecoveryFigures> = {};
  for (const kind of Object.keys(FAULT_NAMES) as (keyof typeof FAULT_NAMES)[]) {
    const group = recoveries.filter((r) => r.kind === kind);
    if (group.length === 0) continue;
    const times = group
      .map((r) => r.recoveredMs)
      .filter((ms): ms is number => ms !== null)
      .sort((a, b) => a - b);
    byKind[FAULT_NAMES[kind]] = {
      faults: group.length,
      recovered: times.length,
      medianMs: times.length > 0 ? times[Math.floor((times.length - 1) / 2)]! : null,
      maxMs: times.length > 0 ? times[times.length - 1]! : null,
    };
  }
  return byKind;
}
