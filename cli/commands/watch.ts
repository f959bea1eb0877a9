import type { Command } from 'commander';
import type { KycCaseState } from '../../domain';
import type { CaseView } from '../../client/kyc-cases';
import { getCase } from '../../client/kyc-cases';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { secondsIn, userIdArgument } from '../options';

/** `kyc watch`: follow one case live until it ends. */
export function registerWatch(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .description('print each phase change of a case as it happens, until the case ends')
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option('-i, --interval <seconds>', 'how often to look (0.2-3600)', secondsIn(0.2, 3600), 2)
    .addHelpText(
      'after',
      `
Phases passed between two looks are printed too (from the case's own history). Exits 0 when the case
ends, 1 if its workflow stopped without an outcome; Ctrl-C stops watching (the case goes on).

Example:
  $ kyc watch 123456 --interval 5`,
    )
    .action((userId: string, options: { interval: number }) => watchCase(ctx, userId, options.interval));
}

async function watchCase(ctx: CliContext, userId: string, intervalSecs: number): Promise<void> {
  const client = await ctx.connect();
  let stop: () => void = () => undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => (stop = () => resolve('interrupted')));
  const stopListening = ctx.io.onInterrupt(stop);
  const printer = changePrinter(ctx);
  try {
    for (;;) {
      const looking = getCase(client, userId);
      // A query can wait long for a worker; Ctrl-C must not. The abandoned look may still fail: ignore it.
      looking.catch(() => undefined);
      const view = await Promise.race([looking, interrupted]);
      if (view === 'interrupted') return ctx.err('stopped watching; the case goes on');
      printer(view.state);
      if (view.state.outcome !== null || view.workflowStatus !== 'RUNNING') return finish(ctx, view);
      const slept = await Promise.race([sleep(intervalSecs * 1000), interrupted]);
      if (slept === 'interrupted') return ctx.err('stopped watching; the case goes on');
    }
  } finally {
    stopListening();
  }
}

/** Prints the phases not printed yet, with the current statuses on the newest; and status changes in place. */
function changePrinter(ctx: CliContext): (state: KycCaseState) => void {
  let printed = 0;
  let lastStatuses = '';
  return (state) => {
    const statuses = statusesOf(state);
    const fresh = state.phases.slice(printed);
    fresh.forEach(({ phase, at }, index) => {
      const newest = index === fresh.length - 1;
      ctx.out(`${at}  ${phase.padEnd(18)}${newest ? `  ${statuses}` : ''}`);
    });
    if (fresh.length === 0 && statuses !== lastStatuses) {
      ctx.out(`${state.updatedAt}  ${state.phase.padEnd(18)}  ${statuses}`);
    }
    printed = state.phases.length;
    lastStatuses = statuses;
  };
}

function statusesOf(state: KycCaseState): string {
  const review = state.review
    ? ` review=${state.review.reviewStatus}/${state.review.reviewAnswer ?? '-'}`
    : '';
  return `kyc=${state.kycStatus ?? '-'} edd=${state.eddStatus ?? '-'}${review}`;
}

function finish(ctx: CliContext, view: CaseView): void {
  if (view.state.outcome !== null) {
    ctx.out(`case ended: ${view.state.outcome}`);
    return;
  }
  ctx.err(`the workflow of the case stopped as ${view.workflowStatus} without an outcome`);
  ctx.exitCode = EXIT.failed;
}

function sleep(ms: number): Promise<'slept'> {
  return new Promise((resolve) => setTimeout(() => resolve('slept'), ms));
}
