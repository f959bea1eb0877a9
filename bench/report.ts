import CliTable from 'cli-table3';
import type { TableConstructorOptions } from 'cli-table3';
import type {
  BenchReport,
  CurveResult,
  Percentiles,
  PgActivity,
  ScaleResult,
  ThroughputResult,
  WatchResult,
} from './report-schema';
import { BenchReportSchema } from './report-schema';
import type { WrittenResult } from './results-files';
import { writeResult } from './results-files';
import { table } from '../scripts/docs/markdown';

/**
 * Writes the report to `dir`: `bench-<stamp>.json` and `.md`, and `bench-latest.md` (a cluster run:
 * `bench-cluster-*`, so that it does not hide the dev server's figures).
 */
export async function writeReport(report: BenchReport, dir: string): Promise<WrittenResult> {
  const checked = BenchReportSchema.parse(report);
  return writeResult(dir, resultKind(report), report.startedAt, checked, renderMarkdown(checked));
}

/** `bench` for the dev server, `bench-cluster` for the cluster. */
export function resultKind(report: Pick<BenchReport, 'server'>): string {
  return report.server === 'cluster' ? 'bench-cluster' : 'bench';
}

/** One table of the report: the terminal prints it with cli-table3, the results page as markdown. */
interface Section {
  title: string;
  head: string[];
  rows: (string | number)[][];
  /** Lines after the table. */
  notes: string[];
}

const HEAD = ['figure', 'engine', 'baseline', 'engine/baseline'];

/** Plain tables: no colours, so the output pastes into a page as it is. */
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

/** The report as `npm run bench` prints it: the machine, each measure's table, then the headline figures. */
export function renderReport(report: BenchReport): string {
  const tables = sectionsOf(report).map((section) => {
    const table = new Table({ head: section.head });
    table.push(...section.rows);
    return [section.title, table.toString(), ...section.notes].join('\n');
  });
  return [machineLine(report), ...tables, renderHeadline(report)].join('\n\n');
}

/** The few figures a reader wants first, as a short block. */
export function renderHeadline(report: BenchReport): string {
  return ['Headline', ...headlineLines(report).map((line) => `  ${line}`)].join('\n');
}

/**
 * The results page: the headline figures, the machine and the options, then every measure's table. Prettier
 * formats it as it is written.
 */
export function renderMarkdown(report: BenchReport): string {
  const { machine, settings } = report;
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  const parts = [
    `# Bench, ${report.startedAt.slice(0, 10)} (${report.server})`,
    '## Headline',
    headlineLines(report)
      .map((line) => `- ${line}`)
      .join('\n'),
    '## Machine',
    table(
      ['', ''],
      [
        ['started', report.startedAt],
        ['finished', report.finishedAt],
        ['server', report.server],
        ['CPUs', `${machine.cpus} × ${machine.cpuModel}`],
        ['memory', `${machine.memoryGiB} GiB`],
        ['Node', machine.node],
        ['OS', machine.os],
        ['Temporal', machine.temporal],
        ['database', machine.database],
        ['load average before (1, 5, 15 min)', load(machine.loadBefore)],
        ['load average after', load(machine.loadAfter)],
      ],
    ),
    '## Options',
    table(
      ['option', 'value'],
      Object.entries(settings).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : String(value),
      ]),
    ),
  ];
  for (const section of sectionsOf(report)) {
    const [heading = '', ...rest] = section.title.split('\n');
    parts.push(
      `## ${heading.replace(/:$/, '')}`,
      ...rest,
      table(section.head, section.rows),
      ...section.notes.map((note) => note.trim()),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

/**
 * Throughput against the skeleton, latency below capacity, Kriptomat reads per day of `pending`, the run's
 * length and the targets: whichever of them this run measured.
 */
export function headlineLines(report: BenchReport): string[] {
  const lines: string[] = [];
  const { throughput, latency, economy, watch } = report;
  if (throughput) {
    lines.push(
      `throughput engine/skeleton: ${throughput.ratio} (${fixed(throughput.engine.casesPerSecond, 2)} vs ` +
        `${fixed(throughput.skeleton.casesPerSecond, 2)} cases/s, ${throughput.cases} onboarding cases ` +
        `started at once; target >= 0.9)`,
    );
  }
  if (latency) {
    const capacity = throughput ? ` (capacity ${fixed(throughput.engine.casesPerSecond, 2)})` : '';
    const pair = (p: Percentiles) => `p50 ${p.p50} / p99 ${p.p99} ms`;
    lines.push(
      `latency at ${latency.ratePerSecond} engine cases/s${capacity}, as many skeletons beside them: ` +
        `webhook → Kriptomat import ${pair(latency.webhookToImport.engine)}; ` +
        `start → first workflow task ${pair(latency.startToRunning.engine)} (${latency.cases} cases)`,
    );
  }
  if (economy) {
    const day = economy.dayOfReads;
    lines.push(
      `Kriptomat reads per day of pending: ${day.reads} (target <= ${day.target}; ${day.method === 'time-skipping' ? 'a real case on the time-skipping test server' : 'the poll schedule alone: no time-skipping server'})`,
    );
  }
  if (watch) {
    const { sample, model } = watch;
    lines.push(
      `approved users watched: ${watch.users}, worker ${fixed(watch.rssMiB.worker, 0)} MiB and ` +
        `${fixed(watch.cpuPercent.worker, 2)} % of a core while they wait (targets < 512 MiB, < 1 %); ` +
        `Kriptomat reads per user per day ${model.readsPerDay.meanJitter} over ${model.days} days of the ` +
        `default schedule (modelled); measured ${sample.readsPerScheduledGap} reads per scheduled gap ` +
        `(${sample.users} watches on the schedule compressed to ${sample.daySeconds} s a day)`,
    );
  }
  const minutes = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 60_000;
  const missed = report.verdicts
    .filter((verdict) => !verdict.pass)
    .map((verdict) => `${verdict.figure}: ${verdict.value}, wanted ${verdict.target}`);
  lines.push(
    `targets: ${report.verdicts.length - missed.length} of ${report.verdicts.length} met` +
      (missed.length > 0 ? ` (missed: ${missed.join('; ')})` : ''),
    `run: ${fixed(minutes, 1)} min on ${report.machine.cpus} CPUs, load average ` +
      `${fixed(report.machine.loadBefore[0], 2)} before, ${fixed(report.machine.loadAfter[0], 2)} after; ` +
      `measures ${String(report.settings.measures)}`,
  );
  return lines;
}

function sectionsOf(report: BenchReport): Section[] {
  const sections: Section[] = [];
  if (report.throughput) sections.push(throughputSection(report.throughput));
  if (report.latency) {
    const { latency } = report;
    const row = (name: string, engine: Percentiles, baseline: Percentiles) => [
      name,
      `${engine.p50} / ${engine.p99} / ${engine.max}`,
      `${baseline.p50} / ${baseline.p99} / ${baseline.max}`,
      ratio(engine.p50, baseline.p50),
    ];
    sections.push({
      title: `Latency: ${latency.cases} cases at ${latency.ratePerSecond}/s`,
      head: ['latency (ms)', 'engine p50 / p99 / max', 'baseline p50 / p99 / max', 'p50 ratio'],
      rows: [
        row('PUT → workflow running', latency.startToRunning.engine, latency.startToRunning.skeleton),
        row('webhook → Kriptomat import', latency.webhookToImport.engine, latency.webhookToImport.skeleton),
      ],
      notes: [],
    });
  }
  if (report.curve) sections.push(curveSection(report.curve));
  if (report.scale) sections.push(scaleSection(report.scale));
  if (report.economy) {
    const { economy } = report;
    const rows: (string | number)[][] = Object.entries(economy.scenarios).map(([scenario, row]) => [
      scenario,
      row.until,
      `${row.reached}/${row.cases}`,
      fixed(row.kriptomat, 2),
      fixed(row.sumsub, 2),
      fixed(row.sumsubStatusReads, 2),
      row.sumsubWebhooks === undefined ? 'not recorded' : fixed(row.sumsubWebhooks, 2),
      fixed(row.notifications, 2),
      fixed(row.historyEvents, 1),
    ]);
    rows.push(['(skeleton of onboard)', '', '', '', '', '', '', '', fixed(economy.skeletonHistoryEvents, 0)]);
    const day = economy.dayOfReads;
    sections.push({
      title: `Economy: partner API calls per case, ${economy.casesPerScenario} cases per scenario`,
      head: [
        'scenario',
        'until',
        'reached',
        'Kriptomat',
        'SumSub',
        'status reads',
        'SumSub webhooks',
        'notifications',
        'history events',
      ],
      rows,
      notes: [
        `Kriptomat reads in 24 h of pending: ${day.reads} (target <= ${day.target}; ${day.method}; the schedule ` +
          `alone gives ${day.model.noJitter} without jitter, ${day.model.meanJitter} with the mean jitter)`,
        ...(day.note ? [`  ${day.note}`] : []),
      ],
    });
  }
  if (report.watch) sections.push(watchSection(report.watch));
  if (report.growth.length > 0) {
    sections.push({
      title: 'Growth: the same measures at each size',
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
      rows: report.growth.map((row) => {
        const t = row.throughput;
        const s = row.scale;
        return [
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
        ];
      }),
      notes: [],
    });
  }
  sections.push({
    title: 'Targets',
    head: ['target', 'value', 'wanted', ''],
    rows: report.verdicts.map((verdict) => [
      verdict.figure,
      String(verdict.value),
      verdict.target,
      verdict.pass ? 'PASS' : 'MISS',
    ]),
    notes: [],
  });
  return sections;
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

function throughputSection(t: ThroughputResult): Section {
  const { engine, skeleton } = t;
  const rows: (string | number)[][] = [
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
  ];
  for (const name of processNames(engine.cpuMsPerCase)) {
    const value = engine.cpuMsPerCase[name];
    const base = skeleton.cpuMsPerCase[name];
    rows.push([
      `CPU ms per case: ${name}`,
      fixed(value),
      fixed(base),
      value !== undefined && base ? ratio(value, base) : '-',
    ]);
  }
  for (const name of processNames(engine.cpuPercent)) {
    rows.push([
      `CPU % of a core: ${name}`,
      fixed(engine.cpuPercent[name], 0),
      fixed(skeleton.cpuPercent[name], 0),
      '',
    ]);
  }
  for (const name of ['server', 'worker']) {
    const value = engine.peakRssMiB[name] ?? 0;
    const base = skeleton.peakRssMiB[name] ?? 0;
    rows.push([`peak RSS MiB: ${name}`, fixed(value, 0), fixed(base, 0), ratio(value, base)]);
  }
  const calls = Object.entries(t.callsPerCase)
    .map(([endpoint, value]) => `${endpoint} ${value}`)
    .join(', ');
  const shape = t.shape.skeleton;
  return {
    title: `Throughput: ${t.cases} onboarding cases started at once (${t.concurrency} at a time)`,
    head: HEAD,
    rows,
    notes: [
      `partner calls per case: ${calls}`,
      `skeleton: ${shape.activities} activities, ${shape.timers} timers, ${shape.signals} signals ` +
        `(the engine's run: ${t.shape.engine.activities} (${t.shape.engine.localActivities} local), ` +
        `${t.shape.engine.timers}, ${t.shape.engine.signals}; ` +
        `${t.shape.engine.upserts} search attribute updates, ${t.shape.engine.events} events)`,
    ],
  };
}

/** The processes of a figure in a fixed order, PostgreSQL only where it ran. */
function processNames(record: Record<string, number>): string[] {
  return ['server', 'postgres', 'worker', 'api', 'bench'].filter((name) => name in record);
}

function curveSection(curve: CurveResult): Section {
  const names = processNames(curve.atCapacity.cpuPercent);
  const at = curve.atCapacity;
  const costs = names.map((name) => `${name} ${fixed(at.cpuMsPerCase[name])}`).join(', ');
  const shares = names.map((name) => `${name} ${fixed(at.cpuPercent[name], 0)} %`).join(', ');
  return {
    title:
      `Latency curve (ms): capacity ${curve.capacityPerSecond} engine cases/s (${curve.capacityCases} started ` +
      `at once), then each level for ${curve.levelSeconds} s, engine only`,
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
    rows: curve.levels.map((level) => [
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
    ]),
    notes: [
      `at capacity: CPU ms per case ${costs}; CPU of a core ${shares}; ${fixed(at.historyEvents)} history ` +
        `events per case; busiest: ${at.saturates}`,
      ...(at.pgActivity ? [`PostgreSQL at capacity: ${pgLine(at.pgActivity)}`] : []),
    ],
  };
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

function scaleSection(s: ScaleResult): Section {
  const { engine, skeleton, idle } = s;
  const rows: (string | number)[][] = [
    [
      'seconds to start',
      fixed(engine.startSeconds),
      fixed(skeleton.startSeconds),
      ratio(engine.startSeconds, skeleton.startSeconds),
      '',
    ],
    [
      'starts per second',
      fixed(engine.startsPerSecond),
      fixed(skeleton.startsPerSecond),
      ratio(engine.startsPerSecond, skeleton.startsPerSecond),
      '',
    ],
  ];
  for (const name of ['worker', 'server', 'api']) {
    const value = engine.rssMiB[name];
    const base = skeleton.rssMiB[name];
    rows.push([
      `RSS MiB waiting: ${name}`,
      fixed(value, 0),
      fixed(base, 0),
      value !== undefined && base ? ratio(value, base) : '-',
      fixed(idle.rssMiB[name], 0),
    ]);
  }
  for (const name of ['worker', 'server', 'api']) {
    rows.push([
      `CPU % of a core waiting: ${name}`,
      fixed(engine.cpuPercent[name], 2),
      fixed(skeleton.cpuPercent[name], 2),
      '',
      fixed(idle.cpuPercent[name], 2),
    ]);
  }
  return {
    title: `Scale: ${s.cases} cases waiting (half awaiting_user, half awaiting_kriptomat), CPU over ${s.waitSeconds} s`,
    head: ['figure', 'engine', 'baseline', 'engine/baseline', 'idle stack'],
    rows,
    notes: [],
  };
}

function watchSection(w: WatchResult): Section {
  const { idle, sample, model } = w;
  const rows: (string | number)[][] = [
    ['seconds to start', fixed(w.startSeconds), ''],
    ['starts per second', fixed(w.startsPerSecond), ''],
  ];
  for (const name of ['worker', 'server', 'api']) {
    rows.push([`RSS MiB waiting: ${name}`, fixed(w.rssMiB[name], 0), fixed(idle.rssMiB[name], 0)]);
  }
  for (const name of ['worker', 'server']) {
    rows.push([`peak RSS MiB starting: ${name}`, fixed(w.peakRssMiB[name], 0), '']);
  }
  for (const name of ['worker', 'server', 'api']) {
    rows.push([
      `CPU % of a core waiting: ${name}`,
      fixed(w.cpuPercent[name], 2),
      fixed(idle.cpuPercent[name], 2),
    ]);
  }
  rows.push(['Kriptomat reads while waiting', w.readsWhileWaiting, '']);
  const expected = sample.expectedReadsPerUser;
  const gaps = sample.gapOverSchedule;
  return {
    title:
      `Watch: ${w.users} approved users watched (default schedule ${model.schedule.join(', ')}: ` +
      `nothing due for a day), CPU over ${w.waitSeconds} s`,
    head: ['figure', 'watching', 'idle stack'],
    rows,
    notes: [
      `Kriptomat reads, measured: ${sample.users} watches on the default schedule compressed to ` +
        `${sample.daySeconds} s a day (gaps ${sample.scheduleMs.map((ms) => `${ms / 1000} s`).join(', ')}), ` +
        `counted in the simulator's log over ${sample.windowSeconds} s: ${sample.readsPerUser} reads per user ` +
        `(the schedule predicts ${expected.fullJitter} to ${expected.noJitter}, ${expected.meanJitter} with the ` +
        `mean jitter), ${sample.readsPerScheduledGap} reads per scheduled gap, ` +
        `${sample.readsPerCompressedDay} per compressed day; each gap ${gaps.min} to ${gaps.max} ` +
        `(mean ${gaps.mean}) times its scheduled length; ${sample.stateMismatches} watches whose own count ` +
        `differed from the log`,
      `Kriptomat reads, modelled (the watch's readGap over ${model.days} days of the default schedule, jitter ` +
        `${model.jitter}): ${model.reads.noJitter} reads without jitter, ${model.reads.meanJitter} with the ` +
        `mean jitter: ${model.readsPerDay.noJitter} and ${model.readsPerDay.meanJitter} per user per day; ` +
        `${model.firstTwoDays} in the first two days, then ${model.steadyReadsPerDay} a day`,
    ],
  };
}
