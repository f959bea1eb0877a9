import CliTable from 'cli-table3';
import type { TableConstructorOptions } from 'cli-table3';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  BenchReport,
  CurveResult,
  Percentiles,
  PgActivity,
  ScaleResult,
  ThroughputResult,
} from './report-schema';
import { BenchReportSchema } from './report-schema';

/**
 * Writes `<dir>/<timestamp>.json` and the latest of its server kind: `latest.json` (dev server) or
 * `latest-cluster.json`, so that a cluster run does not hide the dev server's figures; returns the first path.
 */
export async function writeReport(report: BenchReport, dir: string): Promise<string> {
  const checked = BenchReportSchema.parse(report);
  await mkdir(dir, { recursive: true });
  const text = `${jsonLikePrettier(checked)}\n`;
  const file = path.join(
    dir,
    `${report.startedAt.replace(/[:.]/g, '-')}${report.server === 'cluster' ? '-cluster' : ''}.json`,
  );
  await writeFile(file, text);
  await writeFile(path.join(dir, latestName(report)), text);
  return file;
}

/**
 * JSON as Prettier prints it (committed results must pass `npm run lint`, whose `prettier --check .` covers
 * bench/results): JSON.stringify's layout, except that arrays of numbers stay on one line (the report has no other
 * primitive arrays). Prettier
 * itself cannot be loaded here: under jest its dynamic import fails.
 */
function jsonLikePrettier(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g,
    (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
  );
}

/** `latest.json` for the dev server, `latest-cluster.json` for the cluster. */
export function latestName(report: Pick<BenchReport, 'server'>): string {
  return report.server === 'cluster' ? 'latest-cluster.json' : 'latest.json';
}

const HEAD = ['figure', 'engine', 'baseline', 'engine/baseline'];

/** Plain tables: no colours, so the output pastes into the README as it is. */
class Table extends CliTable {
  constructor(options: TableConstructorOptions) {
    const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
    super({ ...options, style: { head: [], border: [] }, chars: compact });
  }
}
const ratio = (engine: number, baseline: number) => (baseline > 0 ? (engine / baseline).toFixed(2) : '-');
const fixed = (value: number | undefined, digits = 1) => (value === undefined ? '-' : value.toFixed(digits));
const sumOf = (record: Record<string, number>) =>
  Object.values(record).reduce((sum, value) => sum + value, 0);

/** The report as the tables `npm run bench` prints (and the README shows). */
export function renderReport(report: BenchReport): string {
  const parts = [machineLine(report)];
  if (report.throughput) parts.push(throughputTable(report.throughput));
  if (report.latency) {
    const { latency } = report;
    const table = new Table({
      head: ['latency (ms)', 'engine p50 / p99 / max', 'baseline p50 / p99 / max', 'p50 ratio'],
    });
    const row = (name: string, engine: Percentiles, baseline: Percentiles) => [
      name,
      `${engine.p50} / ${engine.p99} / ${engine.max}`,
      `${baseline.p50} / ${baseline.p99} / ${baseline.max}`,
      ratio(engine.p50, baseline.p50),
    ];
    table.push(
      row('PUT → workflow running', latency.startToRunning.engine, latency.startToRunning.skeleton),
      row('webhook → Kriptomat import', latency.webhookToImport.engine, latency.webhookToImport.skeleton),
    );
    parts.push(`Latency: ${latency.cases} cases at ${latency.ratePerSecond}/s\n${table.toString()}`);
  }
  if (report.curve) parts.push(curveTable(report.curve));
  if (report.scale) parts.push(scaleTable(report.scale));
  if (report.economy) {
    const { economy } = report;
    const table = new Table({
      head: [
        'scenario',
        'until',
        'reached',
        'Kriptomat',
        'SumSub',
        'status reads',
        'notifications',
        'history events',
      ],
    });
    for (const [scenario, row] of Object.entries(economy.scenarios)) {
      table.push([
        scenario,
        row.until,
        `${row.reached}/${row.cases}`,
        fixed(row.kriptomat, 2),
        fixed(row.sumsub, 2),
        fixed(row.sumsubStatusReads, 2),
        fixed(row.notifications, 2),
        fixed(row.historyEvents, 1),
      ]);
    }
    table.push(['(skeleton of onboard)', '', '', '', '', '', '', fixed(economy.skeletonHistoryEvents, 0)]);
    const day = economy.dayOfReads;
    const dayLine =
      `Kriptomat reads in 24 h of pending: ${day.reads} (target <= ${day.target}; ${day.method}; the schedule ` +
      `alone gives ${day.model.noJitter} without jitter, ${day.model.meanJitter} with the mean jitter)` +
      (day.note ? `\n  ${day.note}` : '');
    parts.push(
      `Economy: partner API calls per case, ${economy.casesPerScenario} cases per scenario\n${table.toString()}\n${dayLine}`,
    );
  }
  if (report.growth.length > 0) {
    const table = new Table({
      head: [
        'cases',
        'cases/s engine',
        'skeleton',
        'ratio',
        'CPU ms/case engine',
        'skeleton',
        'calls/case',
        'events/case',
        'start s (waiting)',
        'worker MiB waiting',
        'worker CPU % waiting',
      ],
    });
    for (const row of report.growth) {
      const t = row.throughput;
      const s = row.scale;
      table.push([
        row.cases,
        fixed(t?.engine.casesPerSecond, 2),
        fixed(t?.skeleton.casesPerSecond, 2),
        fixed(t?.ratio, 2),
        t ? fixed(sumOf(t.engine.cpuMsPerCase), 0) : '-',
        t ? fixed(sumOf(t.skeleton.cpuMsPerCase), 0) : '-',
        t ? fixed(sumOf(t.callsPerCase), 2) : '-',
        fixed(t?.engine.historyEvents, 1),
        fixed(s?.engine.startSeconds, 1),
        fixed(s?.engine.rssMiB.worker, 0),
        fixed(s?.engine.cpuPercent.worker, 2),
      ]);
    }
    parts.push(`Growth: the same measures at each size\n${table.toString()}`);
  }
  const verdicts = new Table({ head: ['target', 'value', 'wanted', ''] });
  for (const verdict of report.verdicts) {
    verdicts.push([verdict.figure, String(verdict.value), verdict.target, verdict.pass ? 'PASS' : 'MISS']);
  }
  parts.push(`Targets\n${verdicts.toString()}`);
  return parts.join('\n\n');
}

function machineLine(report: BenchReport): string {
  const { machine, startedAt, settings } = report;
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  return (
    `${startedAt}, ${report.server}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
    `${machine.os}, ${machine.temporal}, ${machine.database}; load average ${load(machine.loadBefore)} before, ` +
    `${load(machine.loadAfter)} after; workers: ${String(settings.workerSettings)}; SumSub quota ` +
    `${String(settings.sumsubQuota)}`
  );
}

function throughputTable(t: ThroughputResult): string {
  const table = new Table({ head: HEAD });
  const { engine, skeleton } = t;
  table.push(
    [
      'cases per second',
      fixed(engine.casesPerSecond, 2),
      fixed(skeleton.casesPerSecond, 2),
      `${t.ratio} (target >= 0.9)`,
    ],
    [
      'seconds',
      fixed(engine.seconds, 1),
      fixed(skeleton.seconds, 1),
      ratio(engine.seconds, skeleton.seconds),
    ],
    [
      'completed as expected',
      `${engine.completedOk}/${engine.cases}`,
      `${skeleton.completedOk}/${skeleton.cases}`,
      '',
    ],
    [
      'history events per case',
      fixed(engine.historyEvents),
      fixed(skeleton.historyEvents),
      ratio(engine.historyEvents, skeleton.historyEvents),
    ],
  );
  for (const name of processNames(engine.cpuMsPerCase)) {
    const value = engine.cpuMsPerCase[name];
    const base = skeleton.cpuMsPerCase[name];
    table.push([
      `CPU ms per case: ${name}`,
      fixed(value),
      fixed(base),
      value !== undefined && base ? ratio(value, base) : '-',
    ]);
  }
  for (const name of processNames(engine.cpuPercent)) {
    table.push([
      `CPU % of a core: ${name}`,
      fixed(engine.cpuPercent[name], 0),
      fixed(skeleton.cpuPercent[name], 0),
      '',
    ]);
  }
  for (const name of ['server', 'worker']) {
    const value = engine.peakRssMiB[name] ?? 0;
    const base = skeleton.peakRssMiB[name] ?? 0;
    table.push([`peak RSS MiB: ${name}`, fixed(value, 0), fixed(base, 0), ratio(value, base)]);
  }
  const calls = Object.entries(t.callsPerCase)
    .map(([endpoint, value]) => `${endpoint} ${value}`)
    .join(', ');
  const shape = t.shape.skeleton;
  return (
    `Throughput: ${t.cases} onboarding cases started at once (${t.concurrency} at a time)\n${table.toString()}\n` +
    `partner calls per case: ${calls}\n` +
    `skeleton: ${shape.activities} activities, ${shape.timers} timers, ${shape.signals} signals ` +
    `(the engine's run: ${t.shape.engine.activities} (${t.shape.engine.localActivities} local), ` +
    `${t.shape.engine.timers}, ${t.shape.engine.signals}; ` +
    `${t.shape.engine.upserts} search attribute updates, ${t.shape.engine.events} events)`
  );
}

/** The processes of a figure in a fixed order, PostgreSQL only where it ran. */
function processNames(record: Record<string, number>): string[] {
  return ['server', 'postgres', 'worker', 'api', 'bench'].filter((name) => name in record);
}

function curveTable(curve: CurveResult): string {
  const names = processNames(curve.atCapacity.cpuPercent);
  const table = new Table({
    head: [
      '% of capacity',
      'cases/s',
      'cases',
      'PUT → running p50 / p99',
      'webhook → import p50 / p99',
      'drain s',
      'queue wait p50 / p99: workflow task, activity',
      ...names.map((name) => `CPU % ${name}`),
      'CPU % outside',
      'load',
      ...(curve.atCapacity.pgActivity ? ['PG busy conns mean / peak'] : []),
    ],
  });
  for (const level of curve.levels) {
    table.push([
      `${level.percent} %`,
      `${fixed(level.ratePerSecond, 2)} (sent ${fixed(level.sentPerSecond, 2)})`,
      level.cases,
      `${level.startToRunning.p50} / ${level.startToRunning.p99}`,
      `${level.webhookToImport.p50} / ${level.webhookToImport.p99}`,
      fixed(level.drainSeconds),
      `${level.taskWaits.workflow.p50} / ${level.taskWaits.workflow.p99}, ` +
        `${level.taskWaits.activity.p50} / ${level.taskWaits.activity.p99}`,
      ...names.map((name) => fixed(level.cpuPercent[name], 0)),
      fixed(level.outsideCpuPercent, 0),
      fixed(level.loadAverage, 2),
      ...(level.pgActivity ? [busyConnections(level.pgActivity)] : []),
    ]);
  }
  const at = curve.atCapacity;
  const costs = names.map((name) => `${name} ${fixed(at.cpuMsPerCase[name])}`).join(', ');
  const shares = names.map((name) => `${name} ${fixed(at.cpuPercent[name], 0)} %`).join(', ');
  return (
    `Latency curve (ms): capacity ${curve.capacityPerSecond} engine cases/s (${curve.capacityCases} started ` +
    `at once), then each level for ${curve.levelSeconds} s, engine only\n${table.toString()}\n` +
    `at capacity: CPU ms per case ${costs}; CPU of a core ${shares}; ${fixed(at.historyEvents)} history ` +
    `events per case; busiest: ${at.saturates}` +
    (at.pgActivity ? `\nPostgreSQL at capacity: ${pgLine(at.pgActivity)}` : '')
  );
}

/** Busy connections of Temporal's main database, mean / peak. */
function busyConnections(pg: PgActivity): string {
  const main = pg.databases.temporal;
  return main ? `${fixed(main.activeMean, 1)} / ${main.activePeak}` : '-';
}

function pgLine(pg: PgActivity): string {
  const databases = Object.entries(pg.databases)
    .map(
      ([name, figure]) =>
        `${name} busy ${fixed(figure.activeMean, 1)} mean, ${figure.activePeak} peak, ${figure.connectionsPeak} open`,
    )
    .join('; ');
  const waits = Object.entries(pg.activeByWait)
    .sort((a, b) => b[1] - a[1])
    .map(([wait, n]) => `${wait} ${n}`)
    .join(', ');
  return `${databases} (${pg.samples} samples); busy backends by wait: ${waits || 'none'}`;
}

function scaleTable(s: ScaleResult): string {
  const table = new Table({ head: ['figure', 'engine', 'baseline', 'engine/baseline', 'idle stack'] });
  const { engine, skeleton, idle } = s;
  table.push([
    'seconds to start',
    fixed(engine.startSeconds),
    fixed(skeleton.startSeconds),
    ratio(engine.startSeconds, skeleton.startSeconds),
    '',
  ]);
  table.push([
    'starts per second',
    fixed(engine.startsPerSecond),
    fixed(skeleton.startsPerSecond),
    ratio(engine.startsPerSecond, skeleton.startsPerSecond),
    '',
  ]);
  for (const name of ['worker', 'server', 'api']) {
    const value = engine.rssMiB[name];
    const base = skeleton.rssMiB[name];
    const idleName = name === 'worker' ? 'worker' : name;
    table.push([
      `RSS MiB waiting: ${name}`,
      fixed(value, 0),
      fixed(base, 0),
      value !== undefined && base ? ratio(value, base) : '-',
      fixed(idle.rssMiB[idleName], 0),
    ]);
  }
  for (const name of ['worker', 'server', 'api']) {
    const value = engine.cpuPercent[name];
    const base = skeleton.cpuPercent[name];
    table.push([
      `CPU % of a core waiting: ${name}`,
      fixed(value, 2),
      fixed(base, 2),
      '',
      fixed(idle.cpuPercent[name], 2),
    ]);
  }
  return `Scale: ${s.cases} cases waiting (half awaiting_user, half awaiting_kriptomat), CPU over ${s.waitSeconds} s\n${table.toString()}`;
}
