import type { WrittenResult } from '../bench/results-files';
import { writeResult } from '../bench/results-files';
import { table } from '../scripts/docs/markdown';
import { figureTables, SCENARIO_CAPTION, SCENARIO_HEAD, verdictLine } from './figures';
import type { ChaosReport } from './report';

/**
 * Writes the run's report to `dir`: `chaos-<stamp>.json` and `.md`, and `chaos-latest.md` (a cluster run:
 * `chaos-cluster-*`, so that each topology keeps its latest).
 */
export function writeChaosReport(report: ChaosReport, dir: string): Promise<WrittenResult> {
  return writeResult(dir, chaosResultKind(report), report.startedAt, report, renderChaosMarkdown(report));
}

/** `chaos` for the dev server, `chaos-cluster` for the cluster. */
export function chaosResultKind(report: ChaosReport): string {
  return report.chaos.topology === 'cluster' ? 'chaos-cluster' : 'chaos';
}

/** The results page: the verdict and the headline figures, then the figures' tables and the options. */
export function renderChaosMarkdown(report: ChaosReport): string {
  const { scenarios, summary, checks } = figureTables(report);
  const failed = report.checks.filter((check) => !check.ok).length;
  const topology =
    report.chaos.topology === 'cluster' ? 'the cluster (`--cluster`)' : 'the dev server and one worker';
  const headline = [
    `${verdictLine(report)}: ${report.checks.length - failed} of ${report.checks.length} checks passed`,
    `${report.cases.atExpectedEnd} of ${report.cases.total} cases at the end their scenario dictates, ` +
      `${report.stuck.length} stuck`,
    `${report.chaos.workerKills} worker kills, ${report.chaos.serverRestarts} server restarts` +
      (report.chaos.apiKills === null ? '' : `, ${report.chaos.apiKills} API kills`) +
      (report.chaos.topology === 'cluster' ? `, ${report.chaos.dbRestarts} PostgreSQL restarts` : '') +
      `; ${report.faults.partnerCalls} partner calls, ${report.faults.error + report.faults.rate_limit + report.faults.timeout} of them failed on purpose`,
    `extra partner calls per case: ${report.extraCalls.all?.extraPerCase ?? '-'}`,
    `run: ${(report.durationMs / 1000).toFixed(0)} s on ${topology}, ${report.machine.cpus} CPUs, seed ${report.options.seed}`,
  ];
  const options = Object.entries(report.options).map(([name, value]) => [
    name,
    typeof value === 'object' && value !== null
      ? Object.entries(value)
          .map(([key, inner]) => `${key} ${String(inner)}`)
          .join(', ')
      : String(value),
  ]);
  return `${[
    `# Chaos run, ${report.startedAt.slice(0, 10)} (${report.chaos.topology})`,
    '## Headline',
    headline.map((line) => `- ${line}`).join('\n'),
    '## Cases by scenario',
    `${SCENARIO_CAPTION}.`,
    table(SCENARIO_HEAD, scenarios),
    '## Chaos and faults',
    table(['', ''], summary),
    '## Checks',
    table(['check', 'result', 'detail'], checks),
    '## Machine and options',
    table(
      ['', ''],
      [
        ['started', report.startedAt],
        ['machine', `${report.machine.cpus} CPUs, ${report.machine.platform}, Node ${report.machine.node}`],
        ...options,
      ],
    ),
  ].join('\n\n')}\n`;
}
