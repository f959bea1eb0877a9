/**
 * `npm run bench`: measures the engine on the sandbox beside a skeleton baseline on the same server, prints
 * the tables and the headline figures, and writes the dated report (docs/results/bench-<timestamp>.md and
 * .json) and docs/results/bench-latest.md. See `--help`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import path from 'node:path';
import { renderReport, writeReport } from './report';
import { RESULTS_DIR } from './results-files';
import type { BenchOptions, Measure } from './run-bench';
import { DEFAULT_MEASURES, MEASURES, runBench } from './run-bench';

/** The worker's launch as the README recommends it: a heap that fits the cache (KYC_MAX_CACHED_WORKFLOWS). */
const RECOMMENDED_WORKER: Record<string, string> = { NODE_OPTIONS: '--max-old-space-size=256' };

const positiveInt = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('a positive whole number');
  return parsed;
};
const rateOrAuto = (value: string): number | 'auto' => {
  if (value === 'auto') return value;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('`auto` or a positive number');
  return parsed;
};
const sizeList = (value: string): number[] => value.split(',').map((item) => positiveInt(item.trim()));
const workerSetting = (value: string, previous: Record<string, string>): Record<string, string> => {
  const match = /^(KYC_[A-Z_]+|NODE_OPTIONS)=(.+)$/.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new InvalidArgumentError('KYC_NAME=value or NODE_OPTIONS=flags, e.g. KYC_MAX_CACHED_WORKFLOWS=500');
  }
  return { ...previous, [match[1]]: match[2] };
};
const measureList = (value: string): Measure[] => {
  if (value.trim() === 'all') return [...MEASURES];
  const names = value.split(',').map((item) => item.trim());
  for (const name of names) {
    if (!(MEASURES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`one or more of ${MEASURES.join(', ')}`);
    }
  }
  return names as Measure[];
};

const program = new Command('bench')
  .description(
    'Measure the engine on the sandbox, each figure beside a skeleton baseline run on the same server.',
  )
  .addOption(
    new Option('-m, --measures <list>', `comma-separated: ${MEASURES.join(', ')}; or \`all\``)
      .default([...DEFAULT_MEASURES], DEFAULT_MEASURES.join(','))
      .argParser(measureList),
  )
  .addOption(
    new Option('-s, --sizes <list>', 'case counts of the growth measure')
      .default([100, 1000, 10000])
      .argParser(sizeList),
  )
  .addOption(
    new Option('--throughput-cases <n>', 'cases of the throughput measure')
      .default(200)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--scale-cases <n>', 'cases waiting in the scale measure')
      .default(10000)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--watch-users <n>', 'approved users watched and left waiting in the watch measure')
      .default(10000)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--watch-sample-users <n>', 'watches whose Kriptomat reads the watch measure counts')
      .default(20)
      .argParser(positiveInt),
  )
  .addOption(
    new Option(
      '--watch-day-seconds <n>',
      "how long a day of the watch's default schedule (1d, 1d, 7d) lasts for the read sample",
    )
      .default(10)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--watch-sample-seconds <n>', "how long the read sample's reads are counted for")
      .default(180)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--latency-cases <n>', 'cases of the latency measure').default(60).argParser(positiveInt),
  )
  .addOption(
    new Option('--latency-rate <n|auto>', 'latency cases started per second (and as many skeletons)')
      .default('auto', "a quarter of this run's measured capacity: with the skeletons, half of it")
      .argParser(rateOrAuto),
  )
  .addOption(
    new Option(
      '--curve-seconds <n>',
      'how long each level of the latency curve (25/50/75/100 % of capacity) starts cases for',
    )
      .default(60)
      .argParser(positiveInt),
  )
  .option('--cluster', 'run on the production topology (Temporal server on PostgreSQL), not the dev server')
  .option('--cluster-dir <dir>', "the cluster's state (with --cluster); default: a fresh one under /var/tmp")
  .addOption(
    new Option('--economy-cases <n>', 'cases per sandbox scenario in the economy measure')
      .default(5)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--wait-seconds <n>', 'how long CPU is sampled while cases wait')
      .default(30)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--concurrency <n>', 'start requests in flight at once').default(32).argParser(positiveInt),
  )
  .addOption(
    new Option('--db <kind>', 'where the dev server keeps its SQLite database (not with --cluster)')
      .choices(['file', 'memory'])
      .default('file'),
  )
  .addOption(
    new Option(
      '--sumsub-quota <kind>',
      "`open`: the simulator has no quota; `real`: the engine's SumSub limiter as configured",
    )
      .choices(['open', 'real'])
      .default('open'),
  )
  .addOption(new Option('--log-level <level>', 'LOG_LEVEL of the worker and the API').default('info'))
  .addOption(
    new Option('--worker-setting <NAME=value>', 'a KYC_ setting or NODE_OPTIONS of both workers (repeatable)')
      .default(RECOMMENDED_WORKER, 'NODE_OPTIONS=--max-old-space-size=256, as the README recommends')
      .argParser(workerSetting),
  )
  .option(
    '--out <dir>',
    'where the dated report (markdown and JSON) and bench-latest.md go',
    path.relative(process.cwd(), RESULTS_DIR) || '.',
  )
  .option('--keep-logs', "keep every process's log under the work directory", false)
  .addHelpText(
    'after',
    `
How long each measure takes on 2 cores: the first figure with some other work on them (load average about
6), the second with other work taking most of both (load average 9 or more).
  throughput  2-4 min      200 onboarding cases at once, skeleton then engine (--throughput-cases)
  latency     1.5-3.5 min  60 cases at a quarter of the measured capacity, as many skeletons (--latency-cases)
  economy     2-3 min      5 cases of every sandbox scenario; a day of pending on the time-skipping server
  curve       +5 min       after throughput: 4 levels of --curve-seconds (60) each, and their drains
  scale       30-60 min    10,000 cases started and left waiting, skeleton and engine (--scale-cases)
  growth      3 h or more  throughput and scale at each of --sizes (100, 1000, 10000)
  watch       30 min       10,000 approved users watched (--watch-users; 1,000: 6 min), then 20 watches
                           on a compressed schedule for 3 min (--watch-sample-users, --watch-day-seconds,
                           --watch-sample-seconds)

With no --measures the run is ${DEFAULT_MEASURES.join(', ')}: about 6 minutes, under 10 unless the
machine is that busy. The longer measures run only when named: --measures curve,
--measures scale,growth,curve, --measures watch, or --measures all.`,
  );

async function main(): Promise<void> {
  program.parse();
  const { workerSetting, out, cluster, ...opts } = program.opts<
    Omit<BenchOptions, 'say' | 'workerSettings' | 'server'> & {
      out: string;
      workerSetting: Record<string, string>;
      cluster?: boolean;
    }
  >();
  // The SDK's own INFO lines (workers starting and stopping) would drown the progress, and the core's warning
  // about the time-skipping server's capabilities means nothing here.
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const say = (line: string) => void process.stderr.write(`${line}\n`);
  const report = await runBench({
    ...opts,
    server: cluster ? 'cluster' : 'dev-server',
    workerSettings: workerSetting,
    say,
  });
  const files = await writeReport(report, out);
  const shown = (file: string) => path.relative(process.cwd(), file);
  process.stdout.write(
    `${renderReport(report)}\n\nwritten: ${shown(files.markdown)}, ${shown(files.json)} and ${shown(files.latest)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
