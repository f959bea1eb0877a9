import type { Command } from 'commander';
import { MAX_CONCURRENCY, retryParkedCases } from '../../client/bulk-operations';
import { cancelCase, recheckCase, retryCase } from '../../client/kyc-cases';
import { cancelReasonProblem } from '../../client/cancel-reason';
import type { CliContext } from '../context';
import { describeError, EXIT, UsageError } from '../exit-codes';
import { formatCaseState } from '../format-state';
import { integerIn, userIdArgument } from '../options';

const OPERATOR_OPTION = [
  '--operator <name>',
  'who acts, as the audit trail records it (cli.<name>); default KYC_OPERATOR, else the OS user',
] as const;

/**
 * `kyc recheck`, `kyc retry` and `kyc cancel`: the operator's hands on a running case. Each names its operator
 * to the case, which records who asked (and why) before it acts.
 */
export function registerCaseActions(program: Command, ctx: CliContext): void {
  program
    .command('recheck')
    .description(
      "look at the user's status now (Kriptomat, or SumSub while the user verifies) and show the result",
    )
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option('--json', 'print the fresh case state as JSON')
    .option(...OPERATOR_OPTION)
    .addHelpText('after', '\nRefused (exit 1) once the case has ended.\n\nExample:\n  $ kyc recheck 123456')
    .action(async (userId: string, options: { json?: boolean; operator?: string }) => {
      const by = ctx.operator(options.operator);
      const state = await recheckCase(await ctx.connect(), userId, { by });
      if (options.json) ctx.json(state);
      else ctx.out(formatCaseState(state));
    });

  program
    .command('retry')
    .description('resume a case parked in needs_attention at the step that failed (a no-op in other phases)')
    .argument('[userId]', 'Kriptomat user id', userIdArgument)
    .option('--all', 'retry every case in needs_attention')
    .option('-c, --concurrency <n>', 'signals sent at once with --all', integerIn(1, MAX_CONCURRENCY), 8)
    .option(...OPERATOR_OPTION)
    .addHelpText('after', '\nExamples:\n  $ kyc retry 123456\n  $ kyc retry --all')
    .action(async (userId: string | undefined, options: RetryOptions) => {
      if (Boolean(userId) === Boolean(options.all)) throw new UsageError('name one user id, or --all');
      if (userId) {
        const by = ctx.operator(options.operator);
        await retryCase(await ctx.connect(), userId, { by });
        return ctx.out(`retry sent to the case of ${userId}`);
      }
      const results = await retryParkedCases(await ctx.connect(), {
        concurrency: options.concurrency,
        by: ctx.operator(options.operator),
      });
      const failed = results.filter((result) => result.error !== undefined);
      for (const { userId: failedUser, error } of failed)
        ctx.err(`failed ${failedUser}: ${describeError(error)}`);
      ctx.out(`retried ${results.length - failed.length} cases in needs_attention, ${failed.length} failed`);
      if (failed.length > 0) ctx.exitCode = EXIT.failed;
    });

  program
    .command('cancel')
    .description('end a case as cancelled, in any phase')
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .requiredOption(
      '-r, --reason <text>',
      'why (kept in the encrypted history and, sealed, in the audit trail; no personal data)',
    )
    .option(...OPERATOR_OPTION)
    .addHelpText('after', '\nExample:\n  $ kyc cancel 123456 --reason "duplicate signup"')
    .action(async (userId: string, options: { reason: string; operator?: string }) => {
      const reason = options.reason.trim();
      const problem = cancelReasonProblem(reason);
      if (problem) throw new UsageError(`--reason ${problem}`);
      const by = ctx.operator(options.operator);
      await cancelCase(await ctx.connect(), userId, reason, { by });
      ctx.out(`cancel sent to the case of ${userId}`);
    });
}

interface RetryOptions {
  all?: boolean;
  concurrency: number;
  operator?: string;
}
