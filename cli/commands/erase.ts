import type { Command } from 'commander';
import { z } from 'zod';
import { ApiClient } from '../api-client';
import type { CliContext } from '../context';
import { userIdArgument } from '../options';

/** The API's answer (api/schemas.ts `Erasure`), as far as the CLI reads it. */
const erasureSchema = z.object({
  caseCancelled: z.boolean(),
  watchStopped: z.boolean(),
  executionsDeleted: z.number(),
  trail: z.enum(['erased', 'scheduled', 'not_recorded']),
  erasedAt: z.string().optional(),
  eraseAfter: z.string().optional(),
});

/** `kyc erase`: a user's right to be forgotten, through the API. */
export function registerErase(program: Command, ctx: CliContext): void {
  program
    .command('erase')
    .description(
      'erase a user: cancel a running case and watch, delete their Temporal executions, destroy their audit key now or when the AML hold ends',
    )
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option('--json', 'print the answer as JSON')
    .addHelpText(
      'after',
      `
Goes through the API (KYC_API_URL, KYC_API_TOKEN). Prints "erased" when the user's key was destroyed now, or
"scheduled" with the date the hold ends, when it will be destroyed by itself. Exits 1, having deleted nothing,
when a cancelled case has not ended yet: run it again.

Example:
  $ kyc erase 123456`,
    )
    .action(async (userId: string, options: { json?: boolean }) => {
      const api = ApiClient.fromConfig(ctx.config(), 'kyc erase');
      const answer = await api.json('DELETE', `/v1/cases/${encodeURIComponent(userId)}/personal-data`);
      if (options.json) return ctx.json(answer);
      const erasure = erasureSchema.parse(answer);
      if (erasure.caseCancelled) ctx.out(`cancelled the running case of ${userId}`);
      if (erasure.watchStopped) ctx.out(`stopped the watch of ${userId}`);
      ctx.out(`deleted ${erasure.executionsDeleted} closed Temporal executions`);
      if (erasure.trail === 'erased')
        ctx.out(`erased: the audit key of ${userId} is destroyed (${erasure.erasedAt})`);
      else if (erasure.trail === 'scheduled')
        ctx.out(
          `scheduled: the audit key of ${userId} is destroyed when the AML hold ends, ${erasure.eraseAfter}`,
        );
      else ctx.out(`the audit trail holds nothing of ${userId}`);
    });
}
