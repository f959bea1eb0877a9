import type { Command } from 'commander';
import { getCase } from '../../client/kyc-cases';
import type { CliContext } from '../context';
import { formatCaseState } from '../format-state';
import { userIdArgument } from '../options';

/** `kyc status`: one case, readable or as JSON. */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("show a user's case: phase, outcome, statuses, review, next check, deadline, last error")
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option('--json', 'print the full case state as JSON')
    .addHelpText(
      'after',
      `
Exits 3 when the user has no case.

Examples:
  $ kyc status 123456
  $ kyc status 123456 --json | jq .phase`,
    )
    .action(async (userId: string, options: { json?: boolean }) => {
      const view = await getCase(await ctx.connect(), userId);
      if (options.json) ctx.json({ workflowStatus: view.workflowStatus, ...view.state });
      else ctx.out(formatCaseState(view.state, view.workflowStatus));
    });
}
