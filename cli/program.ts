import type { Command } from 'commander';
import { registerAudit } from './commands/audit';
import { registerCaseActions } from './commands/case-actions';
import { registerErase } from './commands/erase';
import { registerList } from './commands/list';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerToken } from './commands/token';
import { registerWatch } from './commands/watch';
import type { CliContext } from './context';
import { EXIT_CODES_HELP } from './exit-codes';
import type { CliIo } from './io';

const CONFIGURATION_HELP = `
Configuration comes from the environment and .env in the project directory, never the working directory's
(or --env-file, or KYC_ENV_FILE):
TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, the TEMPORAL_TLS_* / TEMPORAL_API_KEY variables,
and KYC_CODEC_KEY (required: case state is encrypted); KYC_API_URL and KYC_API_TOKEN for kyc audit and kyc erase,
which go through the API. See docs/reference/configuration.md.`;

/**
 * The `kyc` command tree. Output goes through `io`, and commander's own exits are turned into exceptions
 * (`exitOverride`) so `run` decides every exit code. Settings are made before the subcommands are added,
 * which inherit them.
 */
export function buildProgram(program: Command, ctx: CliContext, io: CliIo): Command {
  program
    .name('kyc')
    .description('Operate KYC cases: one Temporal workflow per Kriptomat user (kyc:<userId>).')
    .option(
      '--env-file <path>',
      "read configuration from this file instead of the project's .env (sets KYC_ENV_FILE)",
    )
    .option('--address <host:port>', 'Temporal frontend (overrides TEMPORAL_ADDRESS)')
    .option('--namespace <name>', 'Temporal namespace (overrides TEMPORAL_NAMESPACE)')
    .option('--task-queue <name>', 'task queue of new cases (overrides TEMPORAL_TASK_QUEUE)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `${CONFIGURATION_HELP}\n${EXIT_CODES_HELP}`);
  registerStart(program, ctx);
  registerStatus(program, ctx);
  registerList(program, ctx);
  registerWatch(program, ctx);
  registerCaseActions(program, ctx);
  registerToken(program, ctx);
  registerAudit(program, ctx);
  registerErase(program, ctx);
  return program;
}
