/**
 * The programs of the production topology, found or built once: the Temporal server, its SQL schema tool and
 * the UI server, at the versions the dev server (`temporal` CLI v1.5.1) embeds, so that what runs here is what
 * the tests run against; plus the Temporal CLI itself, for registration. Run directly
 * (`tsx cluster/binaries.ts`) it builds what is missing and prints the paths.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import which from 'which';
import { resolveTemporalCli } from '../scripts/temporal-cli';
import type { BuildOptions, GoCommand } from '../stack/go-build';
import { buildOnce, isExecutableFile } from '../stack/go-build';

const execFileAsync = promisify(execFile);

/** The server `temporal server start-dev` v1.5.1 embeds; compose's images carry the same version. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** The UI the CLI v1.5.1 embeds (compose: temporalio/ui:2.42.1). */
export const TEMPORAL_UI_VERSION = 'v2.42.1';
const SERVER_MODULE = 'go.temporal.io/server';

export const SERVER: GoCommand = {
  name: 'temporal-server',
  module: `${SERVER_MODULE}/cmd/server`,
  version: TEMPORAL_SERVER_VERSION,
  builtAs: 'server',
  exe: 'temporal-server',
  check: ['--help'],
};

export const SQL_TOOL: GoCommand = {
  name: 'temporal-sql-tool',
  module: `${SERVER_MODULE}/cmd/tools/sql`,
  version: TEMPORAL_SERVER_VERSION,
  builtAs: 'sql',
  // The name the admin-tools image gives it, which deploy/temporal/setup-schema.sh calls.
  exe: 'temporal-sql-tool',
  check: ['--help'],
};

export const UI_SERVER: GoCommand = {
  name: 'temporal-ui-server',
  module: 'github.com/temporalio/ui-server/v2/cmd/server',
  version: TEMPORAL_UI_VERSION,
  builtAs: 'server',
  exe: 'temporal-ui-server',
  check: ['--help'],
};

export interface ClusterBinaries {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** The Temporal CLI (scripts/temporal-cli.ts), for deploy/temporal/register.sh. */
  cli: string;
  /** `schema/postgresql/v12` of the server module: what setup-schema.sh migrates to. */
  schemaRoot: string;
}

/**
 * Each one from its environment variable when set (a binary installed some other way), else the cache, else
 * built now. One after the other: each build uses both cores, and the server's build warms Go's cache for the
 * schema tool, which shares most of its packages.
 */
export async function resolveClusterBinaries(options: BuildOptions = {}): Promise<ClusterBinaries> {
  const env = options.env ?? process.env;
  const server = await explicitOr(env.TEMPORAL_SERVER_BIN, 'TEMPORAL_SERVER_BIN', SERVER, options);
  const sqlTool = await explicitOr(env.TEMPORAL_SQL_TOOL, 'TEMPORAL_SQL_TOOL', SQL_TOOL, options);
  const uiServer = await explicitOr(env.TEMPORAL_UI_SERVER_BIN, 'TEMPORAL_UI_SERVER_BIN', UI_SERVER, options);
  const cli = await resolveTemporalCli({ env, log: options.log });
  const schemaRoot = path.join(await serverModuleDir(env), 'schema', 'postgresql', 'v12');
  return { server, sqlTool, uiServer, cli, schemaRoot };
}

async function explicitOr(
  explicit: string | undefined,
  variable: string,
  command: GoCommand,
  options: BuildOptions,
): Promise<string> {
  if (!explicit) return buildOnce(command, options);
  const file = path.resolve(explicit);
  if (!(await isExecutableFile(file))) throw new Error(`${variable}=${explicit} is not an executable file`);
  return file;
}

/**
 * The server module's directory in Go's module cache, downloaded if missing (`go install` put it there, but
 * `go clean -modcache` may have removed it since). `go mod download -json` reports where it is.
 */
async function serverModuleDir(env: NodeJS.ProcessEnv): Promise<string> {
  const go = await which('go', { nothrow: true, path: env.PATH ?? '' });
  if (!go) throw new Error('Go is needed to find the Temporal schema files (go.temporal.io/server module)');
  const { stdout } = await execFileAsync(
    go,
    ['mod', 'download', '-json', `${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`],
    { env, cwd: os.tmpdir(), maxBuffer: 1 << 20 },
  );
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download did not report the directory of ${SERVER_MODULE}`);
  return dir;
}

if (require.main === module) {
  const started = Date.now();
  resolveClusterBinaries().then(
    (binaries) => {
      for (const [name, file] of Object.entries(binaries)) process.stdout.write(`${name}=${file}\n`);
      process.stderr.write(`[binaries] ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
    },
    (error: unknown) => {
      process.stderr.write(`binaries: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
