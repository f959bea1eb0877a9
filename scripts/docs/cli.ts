import { Command } from 'commander';
import { CliContext } from '../../cli/context';
import type { CliIo } from '../../cli/io';
import { buildProgram } from '../../cli/program';
import { blocks, fenced } from './markdown';

/** Help is rendered this wide whatever the terminal, so the page does not depend on who generates it. */
const HELP_WIDTH = 100;

/**
 * The `kyc` program as the CLI builds it, its output going to `write`. Nothing runs: a command's action needs
 * `parse`, and the configuration is read on a command's first use of it.
 */
export function kycProgram(write: (text: string) => void = () => undefined): Command {
  const io: CliIo = {
    stdout: { write },
    stderr: { write },
    env: {},
    onInterrupt: () => () => undefined,
  };
  const program = new Command();
  // Set before the commands are added, which copy it.
  program.configureOutput({ getOutHelpWidth: () => HELP_WIDTH, getOutHasColors: () => false });
  return buildProgram(program, new CliContext(io, () => ({})), io);
}

/** Every command of the program, itself first, in the order the program adds them. */
export function commandsOf(command: Command): Command[] {
  return [command, ...command.commands.flatMap(commandsOf)];
}

/** A command's full name: `kyc start`. */
export function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

/** `docs/reference/cli.md`: the help of `kyc` and of each of its commands, as `--help` prints it. */
export function renderCli(): string {
  let help = '';
  const program = kycProgram((text) => (help += text));
  const sections = commandsOf(program).map((command) => {
    help = '';
    command.outputHelp();
    return blocks(`## \`${commandPath(command)}\``, fenced(help));
  });
  return blocks(
    '# CLI',
    '`kyc` operates cases from a shell (`npm run kyc -- <command>`, or `kyc` once the package is installed). Below is what `--help` prints for the program and for each command.',
    ...sections,
  );
}
