/**
 * Finds, or builds once with Go, a Temporal CLI able to run `temporal server start-dev`.
 * Run directly (`npm run temporal-cli`) it prints the path of the executable on stdout.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lock, type LockOptions } from 'proper-lockfile';
import which from 'which';

/** The one place the Temporal CLI version is pinned (module github.com/temporalio/cli/cmd/temporal). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const MODULE = 'github.com/temporalio/cli/cmd/temporal';
const MIN_GO = [1, 25] as const; // the `go` directive of github.com/temporalio/cli v1.5.1
const EXE = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
const execFileAsync = promisify(execFile);

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

  const versionDir = path.join(cacheRoot(env), 'temporal-cli', TEMPORAL_CLI_VERSION);
  const cached = path.join(versionDir, EXE);
  if (await isExecutableFile(cached)) {
    say(`using cached build: ${cached}`);
    return cached;
  }

  const go = await which('go', { nothrow: true, path: env.PATH ?? '' });
  if (!go) {
    throw new TemporalCliUnavailableError(
      `no Temporal CLI found: \`temporal\` is not on PATH, there is no build at ${cached}, and Go is not on PATH.\n` +
        installHelp(cached),
    );
  }
  const goVersion = (await execFileAsync(go, ['env', 'GOVERSION'], { env })).stdout.trim();
  const match = /go(\d+)\.(\d+)/.exec(goVersion);
  const [major, minor] = [Number(match?.[1] ?? 0), Number(match?.[2] ?? 0)];
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new TemporalCliUnavailableError(
      `found Go ${goVersion || '(unknown version)'} at ${go}, but building Temporal CLI ${TEMPORAL_CLI_VERSION} ` +
        `needs Go ${MIN_GO.join('.')}+.\n` +
        installHelp(cached),
    );
  }

  await fs.mkdir(versionDir, { recursive: true });
  // A build takes minutes: the holder refreshes the lock every 10 s, so only a dead holder's lock (no refresh
  // for 60 s) counts as stale; waiters retry for ~30 min (13 growing delays, then 5 s each).
  const lockOptions: LockOptions = {
    lockfilePath: path.join(versionDir, 'build.lock'),
    stale: 60_000,
    update: 10_000,
    // The default throws from a timer and kills the process; a compromised lock only risks a duplicate build,
    // which is harmless because each build has its own GOBIN and the final rename is atomic.
    onCompromised: (err) => say(`warning: build lock compromised (${err.message}); continuing`),
  };
  let release: () => Promise<void>;
  try {
    release = await lock(versionDir, { ...lockOptions, retries: 0 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    say('waiting for another build of the Temporal CLI to finish');
    const retries = { retries: 370, factor: 1.2, minTimeout: 500, maxTimeout: 5000 };
    release = await lock(versionDir, { ...lockOptions, retries });
  }

  try {
    // Another process may have finished the build while we waited for the lock.
    if (await isExecutableFile(cached)) {
      say(`using build just finished by another process: ${cached}`);
      return cached;
    }
    // Holding the lock, any gobin-* dir left here is debris of a killed build.
    for (const entry of await fs.readdir(versionDir)) {
      if (entry.startsWith('gobin-'))
        await fs.rm(path.join(versionDir, entry), { recursive: true, force: true });
    }
    // A fresh GOBIN in the version dir: the binary lands on the cache's file system, so the rename is atomic.
    const gobin = await fs.mkdtemp(path.join(versionDir, 'gobin-'));
    try {
      say(
        `building Temporal CLI ${TEMPORAL_CLI_VERSION} with ${goVersion} into ${versionDir}; ` +
          'the first build takes several minutes',
      );
      await goInstall(go, gobin, env);
      const built = path.join(gobin, EXE);
      // Only a binary that runs goes into the cache; a failure here rejects with the command and its output.
      const version = await execFileAsync(built, ['--version'], { env, timeout: 60_000 });
      say(`built ${version.stdout.trim()}`);
      await fs.rename(built, cached);
      say(`cached at ${cached}`);
      return cached;
    } finally {
      await fs.rm(gobin, { recursive: true, force: true });
    }
  } finally {
    // Rejects only if the lock was compromised meanwhile; that must not turn a finished build into a failure.
    await release().catch(() => undefined);
  }
}

/** `go install`, with go's output streamed to stderr and its tail kept for the error message. */
async function goInstall(go: string, gobin: string, env: NodeJS.ProcessEnv): Promise<void> {
  const target = `${MODULE}@${TEMPORAL_CLI_VERSION}`;
  // The user's Go settings (proxy, flags, caches) are used as they are; only GOBIN is ours. cwd is the cache
  // dir so that a go.mod or go.work around the caller's cwd cannot interfere.
  const child = spawn(go, ['install', target], {
    cwd: path.dirname(gobin),
    env: { ...env, GOBIN: gobin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const onData = (chunk: Buffer): void => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString()).slice(-8192);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code === 0) return;
  const lastLines = tail.trimEnd().split('\n').slice(-15);
  throw new Error(
    `\`go install ${target}\` failed (${code === null ? `killed by ${signal}` : `exit code ${code}`}). ` +
      `Last lines of go's output:\n${lastLines.map((line) => `  ${line}`).join('\n')}\n` +
      `If a module could not be fetched, check this machine's Go settings (\`go env GOPROXY GOFLAGS\`) or ` +
      'network; or install the Temporal CLI another way and set TEMPORAL_CLI=/path/to/temporal.',
  );
}

function installHelp(cached: string): string {
  return [
    'To get one, either:',
    '  - install the Temporal CLI: `brew install temporal`, or download it from https://temporal.download',
    '    (`curl -sSf https://temporal.download/cli.sh | sh`), then make sure `temporal` is on PATH,',
    '    or set TEMPORAL_CLI=/path/to/temporal;',
    `  - or install Go ${MIN_GO.join('.')}+ (https://go.dev/dl/) and run this again: it builds`,
    `    ${MODULE}@${TEMPORAL_CLI_VERSION} into ${cached}.`,
  ].join('\n');
}

/** Outside the repository so that clones and worktrees share one build. */
function cacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.KYC_CACHE_DIR) return path.resolve(env.KYC_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.resolve(xdg, 'kyc-orchestrator');
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
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
