/**
 * Builds a Go command once with `go install` into a cache outside the repository, under a lock: the Temporal
 * CLI (scripts/temporal-cli.ts) and the cluster's programs (cluster/binaries.ts). Clones and worktrees share
 * one build, concurrent runs (a test and `npm run cluster`) wait for each other instead of building twice,
 * and only a binary that runs is moved into the cache (atomically, from a GOBIN on the same file system).
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lock, type LockOptions } from 'proper-lockfile';
import which from 'which';

const execFileAsync = promisify(execFile);

/** One Go command to build: `go install <module>@<version>`, cached as `<cacheDir>/<version>/<exe>`. */
export interface GoCommand {
  /** What it is called in messages and in the cache (e.g. `temporal-server`). */
  name: string;
  /** The package path of the command (`go install` target without the version). */
  module: string;
  version: string;
  /** The binary `go install` writes: the last element of the package path (`server`, `sql`). */
  builtAs: string;
  /** The name it gets in the cache, unique so that a PATH or a log never mixes two `server`s up. */
  exe: string;
  /** Arguments that make the binary exit 0 when it works (the check before it enters the cache). */
  check: string[];
  /** The oldest Go that builds it (the module's `go` directive), checked before building; unset: any Go. */
  minGo?: readonly [major: number, minor: number];
  /** Another way to get it, suggested when `go install` fails (e.g. `set TEMPORAL_CLI=/path/to/temporal`). */
  otherwise?: string;
}

export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** Why a command that is not cached cannot be built here: no Go on PATH, or (`go`) one older than `minGo`. */
export interface Unbuildable {
  /** Where the build would be cached. */
  cached: string;
  go?: { path: string; version: string };
}

export interface BuildOnceOptions extends BuildOptions {
  /** The error to throw when it cannot be built here; by default one that says which Go to install. */
  unbuildable?: (why: Unbuildable) => Error;
}

/** Outside the repository, so that clones and worktrees share builds. */
export function cacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.KYC_CACHE_DIR) return path.resolve(env.KYC_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.resolve(xdg, 'kyc-orchestrator');
}

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The cached binary of `command`, built now (minutes the first time) if it is not there yet. */
export async function buildOnce(command: GoCommand, options: BuildOnceOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const say = (message: string): void =>
    (options.log ?? ((line: string) => void process.stderr.write(`${line}\n`)))(
      `[${command.name}] ${message}`,
    );
  const versionDir = path.join(cacheRoot(env), command.name, command.version);
  const cached = path.join(versionDir, command.exe);
  if (await isExecutableFile(cached)) {
    say(`using cached build: ${cached}`);
    return cached;
  }
  const unbuildable = options.unbuildable ?? ((why: Unbuildable) => new Error(cannotBuild(command, why)));
  // `path: env.PATH ?? ''`: an undefined path would make `which` fall back to this process's PATH.
  const go = await which('go', { nothrow: true, path: env.PATH ?? '' });
  if (!go) throw unbuildable({ cached });
  const goVersion = (await execFileAsync(go, ['env', 'GOVERSION'], { env })).stdout.trim();
  if (command.minGo && olderThan(goVersion, command.minGo)) {
    throw unbuildable({ cached, go: { path: go, version: goVersion } });
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
    say('waiting for another build to finish');
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
    // Its own GOBIN per command: `go install` names binaries after their folder, and two are `server`.
    const gobin = await fs.mkdtemp(path.join(versionDir, 'gobin-'));
    try {
      const started = Date.now();
      say(`building ${command.module}@${command.version} with ${goVersion} (minutes the first time)`);
      await goInstall(go, `${command.module}@${command.version}`, gobin, env, command.otherwise);
      const built = path.join(gobin, command.builtAs);
      // Only a binary that runs goes into the cache; a failure here rejects with the command and its output.
      await execFileAsync(built, command.check, { env, timeout: 60_000 });
      await fs.rename(built, cached);
      say(`built in ${Math.round((Date.now() - started) / 1000)} s, cached at ${cached}`);
      return cached;
    } finally {
      await fs.rm(gobin, { recursive: true, force: true });
    }
  } finally {
    // Rejects only if the lock was compromised meanwhile; that must not turn a finished build into a failure.
    await release().catch(() => undefined);
  }
}

/** Whether `goVersion` (`go env GOVERSION`, e.g. `go1.24.3`; unreadable counts as old) is below `min`. */
function olderThan(goVersion: string, min: readonly [number, number]): boolean {
  const match = /go(\d+)\.(\d+)/.exec(goVersion);
  const [major, minor] = [Number(match?.[1] ?? 0), Number(match?.[2] ?? 0)];
  return major < min[0] || (major === min[0] && minor < min[1]);
}

function cannotBuild(command: GoCommand, { cached, go }: Unbuildable): string {
  const needed = command.minGo ? `Go ${command.minGo.join('.')}+` : 'Go';
  const found = go
    ? `it needs ${needed} and found ${go.version || 'Go of unknown version'} at ${go.path}`
    : 'Go is not on PATH';
  return (
    `${command.name} ${command.version} is not built yet (${cached}) and ${found}: install ${needed} ` +
    `(https://go.dev/dl/) and run this again; it builds ${command.module}@${command.version}.`
  );
}

/** `go install` with the machine's own Go settings (proxy, flags, caches); only GOBIN is ours. */
async function goInstall(
  go: string,
  target: string,
  gobin: string,
  env: NodeJS.ProcessEnv,
  otherwise: string | undefined,
): Promise<void> {
  // cwd is the cache dir, so that a go.mod or go.work around the caller's cwd cannot interfere.
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
      "If a module could not be fetched, check this machine's Go settings (`go env GOPROXY GOFLAGS`) or " +
      `network${otherwise ? `; or ${otherwise}` : ''}.`,
  );
}
