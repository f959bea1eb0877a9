import Table from 'cli-table3';
import type { ChaosReport } from './report';

const plain = { head: [], border: [] };

/**
 * The figures printed at the end of a run: what was done to the engine, what it did about it, and the checks.
 * Counts and sandbox user ids only.
 */
export function formatFigures(report: ChaosReport): string {
  const { options, faults, chaos, retryAfter, shareTokens } = report;
  const scenarios = new Table({
    head: [
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
    ],
    style: plain,
  });
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
  const summary = new Table({ style: plain });
  summary.push(
    {
      duration: `${(report.durationMs / 1000).toFixed(0)} s on ${report.machine.cpus} cores (${report.machine.platform}, Node ${report.machine.node})`,
    },
    { seed: String(options.seed) },
    {
      'worker kills (SIGKILL)': `${chaos.workerKills} (${chaos.workerProcesses} worker processes, ${chaos.unexpectedWorkerExits} exits on its own)`,
    },
    {
      'server restarts': `${chaos.serverRestarts} (down ${(chaos.serverDowntimeMs / 1000).toFixed(1)} s, same database file)`,
    },
    {
      'recovery (crash to a new case approved)':
        chaos.recoveries
          .map((r) => `${r.event}: ${r.recoveredMs === null ? 'never' : `${seconds(r.recoveredMs)} s`}`)
          .join(', ') || '-',
    },
    {
      'partner calls': `${faults.partnerCalls}: ${faults.error} answered 5xx, ${faults.rate_limit} 429, ${faults.timeout} hung past the ${options.vendorTimeoutMs} ms client timeout`,
    },
    {
      'SumSub webhooks': `${webhooks.sent} events: ${webhooks.dropped} dropped, ${webhooks.duplicated} duplicated, ${webhooks.failedDeliveries} deliveries refused or unanswered, ${webhooks.redelivered} redelivered`,
    },
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
      'share tokens': `${shareTokens.minted} minted, ${shareTokens.redeemed} redeemed; ${shareTokens.redeemedTwice} redeemed twice, ${shareTokens.presentedTwice} presented twice, ${shareTokens.usedByAnotherUser} used by another user`,
    },
    {
      'extra calls': `${all?.extraPerCase ?? '-'} per case (${all?.retriedAttemptsPerCase ?? '-'} retried activity attempts per case)`,
    },
    {
      stuck: report.stuck.length === 0 ? '0' : report.stuck.map((s) => `${s.userId} (${s.phase})`).join(', '),
    },
  );

  const checks = new Table({
    head: ['check', 'result', 'detail'],
    style: plain,
    wordWrap: true,
    colWidths: [44, 8, 80],
  });
  for (const check of report.checks) checks.push([check.name, check.ok ? 'ok' : 'FAILED', check.detail]);

  return [
    'Cases by scenario (seconds from start to end; calls: partner calls the simulators logged per case;',
    'extra: calls beyond what the activities the case completed need without faults)',
    scenarios.toString(),
    'Chaos and faults',
    summary.toString(),
    'Checks',
    checks.toString(),
    report.passed
      ? 'PASSED'
      : `FAILED: ${report.checks
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join('; ')}`,
  ].join('\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
