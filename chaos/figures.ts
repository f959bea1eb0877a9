import Table from 'cli-table3';
import type { PlayedFault } from './chaos-events';
import type { Recovery } from './recovery-probe';
import type { ChaosReport } from './report';

const plain = { head: [], border: [] };

/**
 * The figures printed at the end of a run: what was done to the engine, what it did about it, and the checks.
 * Counts and sandbox user ids only.
 */
export function formatFigures(report: ChaosReport): string {
  const { scenarios: byScenario, summary: summaryRows, checks: checkRows } = figureTables(report);
  const scenarios = new Table({ head: [...SCENARIO_HEAD], style: plain });
  scenarios.push(...byScenario);
  const summary = new Table({ style: plain });
  summary.push(...summaryRows.map(([name, value]) => ({ [name]: value })));
  const checks = new Table({
    head: ['check', 'result', 'detail'],
    style: plain,
    wordWrap: true,
    colWidths: [44, 8, 80],
  });
  checks.push(...checkRows);

  return [
    SCENARIO_CAPTION,
    scenarios.toString(),
    'Chaos and faults',
    summary.toString(),
    'Checks',
    checks.toString(),
    verdictLine(report),
  ].join('\n');
}

/** The figures' three tables as rows: the scenarios, the chaos and faults (name, value), the checks. */
export function figureTables(report: ChaosReport): {
  scenarios: (string | number)[][];
  summary: [string, string][];
  checks: string[][];
} {
  const { options, faults, chaos, retryAfter, shareTokens, notifications } = report;
  const scenarios: (string | number)[][] = [];
  for (const [scenario, row] of Object.entries(report.cases.byScenario)) {
    const calls = report.extraCalls[scenario];
    const ends = Object.entries(row.ends)
      .map(([end, count]) => `${end} ${count}`)
      .join(', ');
    scenarios.push([
      scenario,
      row.cases,
      row.expected,
      row.atExpectedEnd,
      ends,
      seconds(row.medianMs),
      seconds(row.maxMs),
      calls?.callsPerCase ?? '-',
      calls?.extraPerCase ?? '-',
      calls?.maxExtra ?? '-',
    ]);
  }
  const all = report.extraCalls.all;
  scenarios.push([
    'all',
    report.cases.total,
    '',
    report.cases.atExpectedEnd,
    `${report.cases.continuedAsNew} continued as new`,
    '',
    '',
    all?.callsPerCase ?? '-',
    all?.extraPerCase ?? '-',
    all?.maxExtra ?? '-',
  ]);

  const webhooks = faults.webhooks;
  const summary: Record<string, string>[] = [];
  summary.push(
    {
      duration: `${(report.durationMs / 1000).toFixed(0)} s on ${report.machine.cpus} cores (${report.machine.platform}, Node ${report.machine.node})`,
    },
    { seed: String(options.seed) },
    {
      topology:
        chaos.topology === 'cluster'
          ? 'cluster: PostgreSQL, Temporal server 1.29.1 on it, 2 workers, 2 APIs behind a balancer'
          : 'Temporal CLI dev server (SQLite), 1 worker',
    },
    {
      'worker kills (SIGKILL)': `${chaos.workerKills} (${chaos.workerProcesses} worker processes, ${chaos.unexpectedWorkerExits} exits on their own)`,
    },
    ...(chaos.apiKills === null
      ? []
      : [
          {
            'API kills (SIGKILL)': `${chaos.apiKills} (${chaos.apiProcesses ?? 0} API processes, ${chaos.unexpectedApiExits ?? 0} exits on their own; requests answered through the balancer: ${Object.entries(
              chaos.apiRequests ?? {},
            )
              .map(([api, count]) => `${api} ${count}`)
              .join(', ')})`,
          },
        ]),
    {
      'server restarts': `${chaos.serverRestarts} (down ${seconds(chaos.serverDowntimeMs)} s in all, same ${chaos.topology === 'cluster' ? 'port and PostgreSQL database' : 'database file'}; ${chaos.unexpectedServerExits} exits on its own)`,
    },
    ...(chaos.topology === 'cluster'
      ? [
          {
            'PostgreSQL restarts (immediate)': `${chaos.dbRestarts} (down ${seconds(chaos.dbDowntimeMs)} s in all)`,
          },
          { 'rolling deploys (workers, one at a time)': String(chaos.rollingDeploys) },
        ]
      : []),
    {
      'faults as played (s after the first start)':
        chaos.faults
          .map(
            (f) =>
              `${f.event} at ${seconds(f.atMs)}${f.downMs === null ? '' : ` (down ${seconds(f.downMs)} s)`}`,
          )
          .join(', ') || '-',
    },
    {
      'recovery (fault to a new case approved)':
        chaos.recoveries.map((r) => `${r.event}: ${recovery(r, chaos.faults)}`).join(', ') || '-',
    },
    {
      'recovery by fault kind (median / max)':
        Object.entries(chaos.recoveryByKind)
          .map(
            ([kind, r]) =>
              `${kind}: ${r.medianMs === null ? '-' : seconds(r.medianMs)} / ${r.maxMs === null ? '-' : seconds(r.maxMs)} s (${r.recovered} of ${r.faults})`,
          )
          .join(', ') || '-',
    },
    {
      'partner calls': `${faults.partnerCalls}: ${faults.error} answered 5xx, ${faults.rate_limit} 429, ${faults.timeout} hung past the ${options.vendorTimeoutMs} ms client timeout`,
    },
    {
      'SumSub webhooks': `${webhooks.sent} events: ${webhooks.dropped} dropped, ${webhooks.duplicated} duplicated, ${webhooks.failedDeliveries} deliveries refused or unanswered, ${webhooks.redelivered} redelivered`,
    },
    ...(webhooks.kriptomat.sent === 0
      ? []
      : [
          {
            'Kriptomat webhooks': `${webhooks.kriptomat.sent} events: ${webhooks.kriptomat.failedDeliveries} deliveries refused or unanswered, ${webhooks.kriptomat.redelivered} redelivered`,
          },
        ]),
    {
      'webhook receiver': Object.entries(webhooks.receipts)
        .map(([result, count]) => `${count} ${result}`)
        .join(', '),
    },
    {
      'Retry-After': `${retryAfter.retried} of ${retryAfter.rateLimited} 429s retried; smallest gap ${retryAfter.smallestGapMs ?? '-'} ms (asked ${retryAfter.retryAfterMs} ms); ${retryAfter.violations} early`,
    },
    {
      imports: `${report.imports.successful} successful; ${report.imports.usersImportedTwice} users imported twice`,
    },
    {
      'partner notifications': `${notifications.received} events (${notifications.deliveries} deliveries, ${notifications.refused} refused by the partner, ${notifications.duplicates} delivered twice); ${notifications.lost} lost, ${notifications.completedMissing} ended cases without case.completed`,
    },
    {
      'share tokens': `${shareTokens.minted} minted, ${shareTokens.redeemed} redeemed; ${shareTokens.redeemedTwice} redeemed twice, ${shareTokens.presentedTwice} presented twice, ${shareTokens.usedByAnotherUser} used by another user`,
    },
    {
      'extra calls': `${all?.extraPerCase ?? '-'} per case (${all?.retriedAttemptsPerCase ?? '-'} retried activity attempts per case)`,
    },
    {
      stuck: report.stuck.length === 0 ? '0' : report.stuck.map((s) => `${s.userId} (${s.phase})`).join(', '),
    },
  );

  return {
    scenarios,
    summary: summary.flatMap((entry) => Object.entries(entry)),
    checks: report.checks.map((check) => [check.name, check.ok ? 'ok' : 'FAILED', check.detail]),
  };
}

/** `PASSED`, or `FAILED:` and the checks that failed. */
export function verdictLine(report: ChaosReport): string {
  return report.passed
    ? 'PASSED'
    : `FAILED: ${report.checks
        .filter((c) => !c.ok)
        .map((c) => c.name)
        .join('; ')}`;
}

export const SCENARIO_HEAD = [
  'scenario',
  'cases',
  'expected end',
  'at it',
  'ends seen',
  'median s',
  'max s',
  'calls/case',
  'extra/case',
  'max extra',
] as const;

export const SCENARIO_CAPTION =
  'Cases by scenario (seconds from start to end; calls: partner calls the simulators logged per case; ' +
  'extra: calls beyond what the activities the case completed need without faults)';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** `9.5 s (2.1 s after it was back)`: for a part down a while, also the time from its return. */
function recovery(r: Recovery, faults: readonly PlayedFault[]): string {
  if (r.recoveredMs === null) return 'never';
  const down = faults.find((f) => f.event === r.event)?.downMs ?? null;
  const back = down === null ? '' : ` (${seconds(Math.max(0, r.recoveredMs - down))} s after it was back)`;
  return `${seconds(r.recoveredMs)} s${back}`;
}
