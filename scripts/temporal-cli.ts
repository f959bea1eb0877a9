/**
 * Finds, or builds once with Go, a Temporal CLI able to run `temporal server start-dev`.
 * Run directly (`npm run temporal-cli`) it prints the path of the executable on stdout.
 */
import path from 'node:path';
import which from 'which';
import { buildOnce, isExecutableFile, type GoCommand } from '../stack/go-build';

/** The one place the Temporal CLI version is pinned (module github.com/temporalio/cli/cmd/temporal). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const MIN_GO = [1, 25] as const; // the `go` directive of github.com/temporalio/cli v1.5.1
const EXE = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/** Built into (and found in) `~/.cache/kyc-orchestrator/temporal-cli/<version>/temporal`. */
const CLI: GoCommand = {
  name: 'temporal-cli',
  module: 'github.com/temporalio/cli/cmd/temporal',
  version: TEMPORAL_CLI_VERSION,
  builtAs: EXE,
  exe: EXE,
  check: ['--version'],
  minGo: MIN_GO,
  otherwise: 'install the Temporal CLI another way and set TEMPORAL_CLI=/path/to/temporal',
};

/** No Temporal CLI is available and none can be built; the message tells the user how to get one. */
export class TemporalCliUnavailableError extends Error {
  override name = 'TemporalCliUnavailableError';
}

/** Returns an absolute path to a Temporal CLI executable, building and caching one with Go if needed. */
export async function resolveTemporalCli(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const say = (message: string): void => log(`[temporal-cli] ${message}`);

  if (env.TEMPORAL_CLI) {
    const explicit = path.resolve(env.TEMPORAL_CLI);
    if (!(await isExecutableFile(explicit))) {
      throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an existing executable file (${explicit})`);
    }
    say(`using TEMPORAL_CLI=${explicit}`);
    return explicit;
  }

  // `path: env.PATH ?? ''`: an undefined path would make `which` fall back to this process's PATH.
  const onPath = await which('temporal', { nothrow: true, path: env.PATH ?? '' });
  if (onPath) {
    say(`using temporal from PATH: ${path.resolve(onPath)}`);
    return path.resolve(onPath);
  }

  // The cache, else a build with Go (under a lock, so that concurrent runs build once).
  return buildOnce(CLI, {
    env,
    log,
    unbuildable: ({ cached, go }) =>
      new TemporalCliUnavailableError(
        (go
          ? `found Go ${go.version || '(unknown version)'} at ${go.path}, but building Temporal CLI ` +
            `${TEMPORAL_CLI_VERSION} needs Go ${MIN_GO.join('.')}+.\n`
          : 'no Temporal CLI found: `temporal` is not on PATH, ' +
            `there is no build at ${cached}, and Go is not on PATH.\n`) + installHelp(cached),
      ),
  });
}

function installHelp(cached: string): string {
  return [
    'To get one, either:',
    '  - install the Temporal CLI: `brew install temporal`, or download it from https://temporal.download',
    '    (`curl -sSf https://temporal.download/cli.sh | sh`), then make sure `temporal` is on PATH,',
    '    or set TEMPORAL_CLI=/path/to/temporal;',
    `  - or install Go ${MIN_GO.join('.')}+ (https://go.dev/dl/) and run this again: it builds`,
    `    ${CLI.module}@${TEMPORAL_CLI_VERSION} into ${cached}.`,
  ].join('\n');
}

if (require.main === module) {
  resolveTemporalCli().then(
    (cli) => void process.stdout.write(`${cli}\n`),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(
        err instanceof TemporalCliUnavailableError ? `${message}\n` : `temporal-cli: ${message}\n`,
      );
      process.exitCode = 1;
    },
  );
}
