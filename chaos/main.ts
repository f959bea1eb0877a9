/**
 * `npm run chaos`: the full chaos run (`-- --cluster`: on the production topology). Prints the figures at the
 * end, writes the dated report to docs/results/ (chaos-<timestamp>.md and .json, and chaos-latest.md; the
 * cluster's as chaos-cluster-*), and exits 1 naming every check that failed (2 on a usage error).
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { z } from 'zod';
import { RESULTS_DIR, resultStamp } from '../bench/results-files';
import { formatFigures } from './figures';
import type { ChaosOptionsInput } from './options';
import { chaosOptionsSchema, SMALL_CHAOS_RUN } from './options';
import { chaosResultKind } from './report-page';
import { runChaos } from './run-chaos';

const number = (value: string): number => {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('not a number');
  return parsed;
};

/** The command line as given; zod then checks every value against the options schema. */
const cliSchema = z.object({
  cases: z.number().optional(),
  cluster: z.boolean().optional(),
  kills: z.number().optional(),
  apiKills: z.number().optional(),
  serverRestarts: z.number().optional(),
  dbRestarts: z.number().optional(),
  rollingDeploys: z.number().optional(),
  seed: z.number().optional(),
  deadline: z.number().optional(),
  errorRate: z.number().optional(),
  rateLimitRate: z.number().optional(),
  retryAfter: z.number().optional(),
  timeoutRate: z.number().optional(),
  latency: z.number().optional(),
  dropWebhookRate: z.number().optional(),
  duplicateWebhookRate: z.number().optional(),
  faults: z.boolean(),
  small: z.boolean().optional(),
  keepLogs: z.boolean().optional(),
  results: z.union([z.string(), z.literal(false)]).optional(),
});

function optionsFrom(cli: z.infer<typeof cliSchema>): ChaosOptionsInput {
  const base: ChaosOptionsInput = cli.small ? { ...SMALL_CHAOS_RUN } : {};
  const defaults = chaosOptionsSchema.parse(base);
  const faults = { ...defaults.faults };
  if (!cli.faults) {
    Object.assign(faults, { errorRate: 0, rateLimitRate: 0, timeoutRate: 0, latencyMs: 0 });
    Object.assign(faults, { dropWebhookRate: 0, duplicateWebhookRate: 0 });
  }
  const set = <K extends keyof typeof faults>(key: K, value: (typeof faults)[K] | undefined) => {
    if (value !== undefined) faults[key] = value;
  };
  set('errorRate', cli.errorRate);
  set('rateLimitRate', cli.rateLimitRate);
  set('retryAfterSeconds', cli.retryAfter);
  set('timeoutRate', cli.timeoutRate);
  set('latencyMs', cli.latency);
  set('dropWebhookRate', cli.dropWebhookRate);
  set('duplicateWebhookRate', cli.duplicateWebhookRate);
  const cluster = cli.cluster ?? false;
  return {
    ...base,
    cluster,
    ...(cli.cases !== undefined && { cases: cli.cases }),
    ...(cli.kills !== undefined && { workerKills: cli.kills }),
    ...(cli.apiKills !== undefined && { apiKills: cli.apiKills }),
    ...(cli.serverRestarts !== undefined && { serverRestarts: cli.serverRestarts }),
    ...(cli.dbRestarts !== undefined && { dbRestarts: cli.dbRestarts }),
    ...(cli.rollingDeploys !== undefined && { rollingDeploys: cli.rollingDeploys }),
    ...(cli.seed !== undefined && { seed: cli.seed }),
    ...(cli.deadline !== undefined && { deadlineMs: cli.deadline * 1000 }),
    faults,
    keepLogs: cli.keepLogs ?? false,
    resultsDir: cli.results === false ? null : path.resolve(cli.results ?? RESULTS_DIR),
  };
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('chaos')
    .description(
      'Start cases of every sandbox scenario, SIGKILL the worker and restart the Temporal server while both ' +
        'vendors fail, then check every case ended as its scenario dictates. With --cluster, on the ' +
        'production topology (PostgreSQL, 2 workers, 2 APIs), adding API kills, a PostgreSQL crash and a ' +
        'rolling deploy of the workers.',
    )
    .option(
      '--cluster',
      'run on the topology of `npm run cluster`: PostgreSQL, the Temporal server on it, 2 workers and 2 APIs',
    )
    .option('--cases <n>', 'cases to start, spread over every scenario (default 300)', number)
    .option('--kills <n>', 'worker SIGKILLs (default 4; on the cluster, one worker of two each time)', number)
    .option('--api-kills <n>', 'cluster: SIGKILLs of one API of two (default 2)', number)
    .option('--server-restarts <n>', 'Temporal server crashes and restarts (default 1)', number)
    .option('--db-restarts <n>', 'cluster: PostgreSQL immediate stops and starts (default 1)', number)
    .option(
      '--rolling-deploys <n>',
      'cluster: workers rolled to a new build one at a time, Worker Versioning (default 1)',
      number,
    )
    .option('--seed <n>', 'seed of the faults, the kill times and the start order (default 1)', number)
    .option('--deadline <seconds>', 'user and decision deadline of every case (default 60)', number)
    .option('--error-rate <0-1>', 'share of partner calls answered 5xx (default 0.05)', number)
    .option('--rate-limit-rate <0-1>', 'share answered 429 with Retry-After (default 0.03)', number)
    .option('--retry-after <seconds>', 'the Retry-After of those 429s (default 2)', number)
    .option('--timeout-rate <0-1>', 'share that hang past the client timeout (default 0.02)', number)
    .option('--latency <ms>', 'latency added to every partner call (default 20)', number)
    .option('--drop-webhook-rate <0-1>', 'share of SumSub webhooks lost (default 0.2)', number)
    .option(
      '--duplicate-webhook-rate <0-1>',
      'share of SumSub webhooks delivered twice (default 0.2)',
      number,
    )
    .option('--no-faults', 'no vendor faults at all (rates given explicitly still apply)')
    .option('--small', 'the smaller run of `npm test` (42 cases, 2 kills, 30 s deadlines)')
    .option(
      '--results <dir>',
      'where the dated report goes (default docs/results: chaos-<timestamp>.md and .json, chaos-latest.md; ' +
        'chaos-cluster-* with --cluster)',
    )
    .option('--no-results', 'write no report')
    .option('--keep-logs', "keep the run's folder (logs, database, per-case figures) even when it passes")
    .exitOverride()
    .configureOutput({ writeErr: (text) => void process.stderr.write(text) });
  try {
    program.parse(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  let options: ChaosOptionsInput;
  try {
    options = chaosOptionsSchema.parse(optionsFrom(cliSchema.parse(program.opts())));
  } catch (error) {
    const issues =
      error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) : [];
    process.stderr.write(`chaos: invalid options${issues.length ? `\n  ${issues.join('\n  ')}` : ''}\n`);
    return 2;
  }

  const abort = new AbortController();
  const onSignal = (): void => {
    process.stderr.write('[chaos] stopping: killing the engine processes and the server, then exiting\n');
    abort.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const report = await runChaos(options, { signal: abort.signal });
  process.stdout.write(`${formatFigures(report)}\n`);
  if (options.resultsDir) {
    const page = path.join(
      options.resultsDir,
      `${chaosResultKind(report)}-${resultStamp(report.startedAt)}.md`,
    );
    process.stdout.write(`report: ${path.relative(process.cwd(), page)} (and its .json)\n`);
  }
  if (report.logs) process.stdout.write(`logs, database and per-case figures kept in ${report.logs}\n`);
  return report.passed ? 0 : 1;
}

// process.exit, not a natural end: a stray handle must not keep a finished run alive.
main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
