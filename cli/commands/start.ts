import type { Command } from 'commander';
import { isValidUserId } from '../../domain';
import type { BulkStartResult } from '../../client/bulk-operations';
import { MAX_CONCURRENCY, startCases } from '../../client/bulk-operations';
import { caseTimingsFromConfig } from '../../client/case-timings';
import { watchRequestFrom } from '../../client/kyc-cases';
import type { CliContext } from '../context';
import { EXIT, describeError, UsageError } from '../exit-codes';
import { integerIn } from '../options';
import { createProgress } from '../progress';
import type { UserFile } from '../user-file';
import { readUserFile } from '../user-file';

interface StartOptions {
  file?: string;
  concurrency: number;
}

/** `kyc start`: start or join the cases of users named on the command line or in a CSV backfill. */
export function registerStart(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('start the KYC case of each user, or join it when it already runs (joining is success)')
    .argument('[userId...]', 'Kriptomat user ids')
    .option('-f, --file <path>', 'CSV of users: a userId or user_id column, or one column without header')
    .option(
      '-c, --concurrency <n>',
      `cases started at once (1-${MAX_CONCURRENCY})`,
      integerIn(1, MAX_CONCURRENCY),
      8,
    )
    .addHelpText(
      'after',
      `
New cases get the default timings of the configuration (KYC_READ_SCHEDULE, ...). Invalid ids in the file
are reported with their line numbers and skipped; any failure exits 1 once the rest are done.

Examples:
  $ kyc start 123456 123457
  $ kyc start --file users.csv --concurrency 16`,
    )
    .action((userIds: string[], options: StartOptions) => startUsers(ctx, userIds, options));
}

async function startUsers(ctx: CliContext, args: string[], options: StartOptions): Promise<void> {
  const badArgs = args.filter((userId) => !isValidUserId(userId));
  if (badArgs.length > 0) throw new UsageError(`not a valid user id: ${badArgs.join(', ')}`);
  const file: UserFile = options.file ? readUserFile(options.file) : { userIds: [], invalid: [] };
  if (args.length === 0 && !options.file) throw new UsageError('name user ids, or a CSV with --file');
  for (const { line, value } of file.invalid) {
    ctx.err(`${options.file} line ${line}: ${value ? `invalid user id "${value}"` : 'no user id'}, skipped`);
  }
  const userIds = [...new Set([...args, ...file.userIds.map(({ userId }) => userId)])];
  if (userIds.length === 0 && file.invalid.length === 0)
    throw new UsageError(`${options.file} names no users`);
  if (userIds.length === 0) return report(ctx, 0, [], file.invalid.length, false);

  const config = ctx.config();
  const client = await ctx.connect();
  const results: BulkStartResult[] = [];
  const controller = new AbortController();
  const stopListening = ctx.io.onInterrupt(() => controller.abort());
  const progress = userIds.length > 1 ? createProgress(ctx.io.stderr, userIds.length, 'starting') : null;
  try {
    await startCases(client, userIds, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      timings: caseTimingsFromConfig(config),
      watch: watchRequestFrom(config),
      concurrency: options.concurrency,
      signal: controller.signal,
      onResult: (result) => {
        results.push(result);
        progress?.tick(result.outcome === 'failed');
      },
    });
  } finally {
    progress?.stop();
    stopListening();
  }
  report(ctx, userIds.length, results, file.invalid.length, args.length > 0 && !options.file);
}

function report(ctx: CliContext, total: number, results: BulkStartResult[], invalid: number, each: boolean) {
  const count = (outcome: BulkStartResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  for (const { userId, error } of results.filter((result) => result.outcome === 'failed')) {
    ctx.err(`failed ${userId}: ${describeError(error)}`);
  }
  if (each) {
    for (const { userId, outcome } of results.filter((result) => result.outcome !== 'failed')) {
      ctx.out(`${outcome} ${userId}`);
    }
  }
  const notAttempted = total - results.length;
  const parts = [`${count('started')} started`, `${count('joined')} joined`, `${count('failed')} failed`];
  if (invalid > 0) parts.push(`${invalid} invalid skipped`);
  if (notAttempted > 0) parts.push(`${notAttempted} not attempted (interrupted)`);
  ctx.out(`${total} ${total === 1 ? 'user' : 'users'}: ${parts.join(', ')}`);
  if (count('failed') > 0 || invalid > 0 || notAttempted > 0) ctx.exitCode = EXIT.failed;
}
