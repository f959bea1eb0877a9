import type { Command } from 'commander';
import type { WatchView } from '../../client/kyc-cases';
import { caseAndWatchBody, getCaseAndWatch } from '../../client/kyc-cases';
import type { CliContext } from '../context';
import { formatCaseState, formatWatch } from '../format-state';
import { userIdArgument } from '../options';

/** The line shown instead of the case once Temporal no longer holds it (only the watch is left). */
export const CASE_HISTORY_EXPIRED =
  'case history no longer held by Temporal (its retention passed after the case ended); the watch follows';

/** `kyc status`: one case, readable or as JSON; or the watch alone once the case's history has expired. */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      "show a user's case: phase, outcome, statuses, review, next check, deadline, last error; and its watch, if any",
    )
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option(
      '--json',
      'print the full case state as JSON (with caseHistory "held", or "expired" and the watch)',
    )
    .addHelpText(
      'after',
      `
Exits 3 when the user has neither a case nor a watch. An approved user's watch (KYC_WATCH_APPROVED) follows
the case: the case's outcome is the onboarding verdict, the watch's kycStatus the status now. The watch outlives
the case's history, which Temporal deletes once the namespace's retention has passed: such a user shows the
watch alone under "case history no longer held by Temporal" (caseHistory "expired" in --json).

Examples:
  $ kyc status 123456
  $ kyc status 123456 --json | jq .phase`,
    )
    .action(async (userId: string, options: { json?: boolean }) => {
      const client = await ctx.connect();
      const view = await getCaseAndWatch(client, userId);
      if (options.json) ctx.json(caseAndWatchBody(userId, view));
      else if (view.case === null) ctx.out(expiredCaseText(userId, view.watch));
      else {
        const text = formatCaseState(view.case.state, view.case.workflowStatus);
        ctx.out(view.watch ? `${text}\n${formatWatch(view.watch)}` : text);
      }
    });
}

/** A watched user whose case Temporal no longer holds: the user, the marker, when approved, then the watch. */
function expiredCaseText(userId: string, watch: WatchView): string {
  const approved = watch.state ? watch.state.approvedAt : 'unknown (the watch has ended)';
  return [`user      ${userId}`, CASE_HISTORY_EXPIRED, `approved  ${approved}`, formatWatch(watch)].join(
    '\n',
  );
}
