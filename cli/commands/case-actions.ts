import type { Command } from 'commander';
import { MAX_CONCURRENCY, retryParkedCases } from '../../client/bulk-operations';
import { cancelCase, recheckCase, retryCase } from '../../client/kyc-cases';
import { cancelReasonProblem } from '../../client/cancel-reason';
import type { CliContext } from '../context';
import { describeError, EXIT, UsageError } from '../exit-codes';
import { formatCaseState } from '../format-state';
import { integerIn, userIdArgument } from '../options';

/** `kyc recheck`, `kyc retry` and `kyc cancel`: the operator's hands on a running case. */
export function registerCaseActions(program: Command, ctx: CliContext): void {
  program
    .command('recheck')
    .description(
      "look at the user's status now (Kriptomat, or SumSub while the user verifies) and show the result",
    )
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option('--json', 'print the fresh case state as JSON')
    .addHelpText('after', '\nRefused (exit 1) once the case has ended.\n\nExample:\n  $ kyc recheck 123456')
    .action(async (userId: string, options: { json?: boolean }) => {
      const state = await recheckCase(await ctx.connect(), userId);
      if (options.json) ctx.json(state);
      else ctx.out(formatCaseState(state));
    });

  program
    .command('retry')
    .description('resume a case parked in needs_attention at the step that failed (a no-op in other phases)')
    .argument('[userId]', 'Kriptomat user id', userIdArgument)
    .option('--all', 'retry every case in needs_attention')
    .option('-c, --concurrency <n>', 'signals sent at once with --all', integerIn(1, MAX_CONCURRENCY), 8)
    .addHelpText('after', '\nExamples:\n  $ kyc retry 123456\n  $ kyc retry --all')
    .action(async (userId: string | undefined, options: { all?: boolean; concurrency: number }) => {
      if (Boolean(userId) === Boolean(options.all)) throw new UsageError('name one user id, or --all');
      const client = await ctx.connect();
      if (userId) {
        await retryCase(client, userId);
        return ctx.out(`retry sent to the case of ${userId}`);
      }
      const results = await retryParkedCases(client, { concurrency: options.concurrency });
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
    .requiredOption('-r, --reason <text>', 'why (kept in the encrypted history; no personal data)')
    .addHelpText('after', '\nExample:\n  $ kyc cancel 123456 --reason "duplicate signup"')
    .action(async (userId: string, options: { reason: string }) => {
      const reason = options.reason.trim();
      const problem = cancelReasonProblem(reason);
      if (problem) throw new UsageError(`--reason ${problem}`);
      await cancelCase(await ctx.connect(), userId, reason);
      ctx.out(`cancel sent to the case of ${userId}`);
    });
}
