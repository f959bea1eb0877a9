import { Command, CommanderError } from 'commander';
import type { GlobalOptions } from './context';
import { CliContext } from './context';
import { describeError, EXIT, exitCodeFor } from './exit-codes';
import type { CliIo } from './io';
import { writeLine } from './io';
import { buildProgram } from './program';

/**
 * Runs the CLI on `argv` (the arguments after `kyc`) and answers the exit code; never exits the process
 * itself, so tests can drive it. Errors are printed as one line without a stack: each names its cause.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command();
  const ctx = new CliContext(io, () => program.opts<GlobalOptions>());
  buildProgram(program, ctx, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    // Commander already printed its message (usage errors) or the help.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    writeLine(io.stderr, `kyc: ${describeError(error)}`);
    return exitCodeFor(error);
  } finally {
    await ctx.close().catch(() => undefined);
  }
}
