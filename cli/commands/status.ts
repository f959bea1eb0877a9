import type { Command } from 'commander';
import { getCase, getWatch } from '../../client/kyc-cases';
import type { CliContext } from '../context';
import { formatCaseState, formatWatch } from '../format-state';
import { userIdArgument } from '../options';

/** `kyc status`: one case, readable or as JSON. */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      "show a user's case: phase, outcome, statuses, review, next check, deadline, last error; and its watch, if any",
    )
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option('--json', 'print the full case state as JSON')
    .addHelpText(
      'after',
      `
Exits 3 when the user has no case. An approved user's watch (KYC_WATCH_APPROVED) follows the case: the
case's outcome is the onboarding verdict, the watch's kycStatus the status now.

Examples:
  $ kyc status 123456
  $ kyc status 123456 --json | jq .phase`,
    )
    .action(async (userId: string, options: { json?: boolean }) => {
      const client = await ctx.connect();
      const [view, watch] = await Promise.all([getCase(client, userId), getWatch(client, userId)]);
      if (options.json)
        ctx.json({ workflowStatus: view.workflowStatus, ...view.state, ...(watch && { watch }) });
      else {
        const text = formatCaseState(view.state, view.workflowStatus);
        ctx.out(watch ? `${text}\n${formatWatch(watch)}` : text);
      }
    });
}
