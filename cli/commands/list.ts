import Table from 'cli-table3';
import type { Command } from 'commander';
import type { CaseOutcome, CasePhase } from '../../domain';
import { CASE_OUTCOMES, CASE_PHASES } from '../../domain';
import type { CaseSummary } from '../../client/case-list';
import { listCases } from '../../client/case-list';
import type { CliContext } from '../context';
import { integerIn, oneOf } from '../options';

interface ListOptions {
  phase?: CasePhase;
  outcome?: CaseOutcome;
  limit: number;
  json?: boolean;
}

/** Page size the client library passes to Temporal as is; visibility stores refuse much larger pages. */
const MAX_LIMIT = 1000;

/** `kyc list`: cases by phase or outcome, newest first, from the search attributes (no worker needed). */
export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('list cases, newest first, optionally by phase or outcome')
    .option('--phase <phase>', `only cases in this phase: ${CASE_PHASES.join(', ')}`, oneOf(CASE_PHASES))
    .option(
      '--outcome <outcome>',
      `only cases that ended so: ${CASE_OUTCOMES.join(', ')}`,
      oneOf(CASE_OUTCOMES),
    )
    .option('--limit <n>', `at most this many cases (1-${MAX_LIMIT})`, integerIn(1, MAX_LIMIT), 100)
    .option('--json', 'print the cases as a JSON array')
    .addHelpText(
      'after',
      `
Examples:
  $ kyc list --phase needs_attention
  $ kyc list --outcome approved --limit 20 --json`,
    )
    .action(async (options: ListOptions) => {
      const { phase, outcome, limit } = options;
      const cases = await listCases(await ctx.connect(), { phase, outcome, limit });
      if (options.json) ctx.json(cases);
      else if (cases.length === 0) ctx.err('no cases match');
      else ctx.out(caseTable(cases));
    });
}

/** The cases as a plain table (no colours: the output is often piped or logged). */
function caseTable(cases: CaseSummary[]): string {
  const table = new Table({
    head: ['userId', 'phase', 'kycStatus', 'eddStatus', 'outcome', 'started', 'closed'],
    style: { head: [], border: [] },
  });
  for (const item of cases) {
    const cells = [item.phase, item.kycStatus, item.eddStatus, item.outcome, item.startedAt, item.closedAt];
    table.push([item.userId, ...cells.map((cell) => cell ?? '-')]);
  }
  return table.toString();
}
