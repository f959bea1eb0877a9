/**
 * Builds a Go command once with `go install` into a cache outside the repository, under a lock, exactly as
 * scripts/temporal-cli.ts does for the Temporal CLI: clones and worktrees share one build, concurrent runs
 * (a test and `npm run cluster`) wait for each other instead of building twice, and only a binary that runs
 * is moved into the cache (atomically, from a GOBIN on the same file system).
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
}

export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** Outside the repository (same root as scripts/temporal-cli.ts), so that clones and worktrees share builds. */
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
export async function buildOnce(command: GoCommand, options: BuildOptions = {}): Promise<string> {
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
  const go = await which('go', { nothrow: true, path: env.PATH ?? '' });
  if (!go) {
    throw new Error(
      `${command.name} ${command.version} is not built yet (${cached}) and Go is not on PATH: install Go ` +
        `(https://go.dev/dl/) and run this again; it builds ${command.module}@${command.version}.`,
    );
  }
  await fs.mkdir(versionDir, { recursive: true });
  // As in scripts/temporal-cli.ts: the holder refreshes the lock every 10 s, so only a dead holder's lock is
  // stale after 60 s; waiters retry for ~30 minutes.
  const lockOptions: LockOptions = {
    lockfilePath: path.join(versionDir, 'build.lock'),
    stale: 60_000,
    update: 10_000,
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
    if (await isExecutableFile(cached)) {
      say(`using build just finished by another process: ${cached}`);
      return cached;
    }
    for (const entry of await fs.readdir(versionDir)) {
      if (entry.startsWith('gobin-'))
        await fs.rm(path.join(versionDir, entry), { recursive: true, force: true });
    }
    // Its own GOBIN per command: `go install` names binaries after their folder, and two are `server`.
    const gobin = await fs.mkdtemp(path.join(versionDir, 'gobin-'));
    try {
      const goVersion = (await execFileAsync(go, ['env', 'GOVERSION'], { env })).stdout.trim();
      const started = Date.now();
      say(`building ${command.module}@${command.version} with ${goVersion} (minutes the first time)`);
      await goInstall(go, `${command.module}@${command.version}`, gobin, env);
      const built = path.join(gobin, command.builtAs);
      await execFileAsync(built, command.check, { env, timeout: 60_000 });
      await fs.rename(built, cached);
      say(`built in ${Math.round((Date.now() - started) / 1000)} s, cached at ${cached}`);
      return cached;
    } finally {
      await fs.rm(gobin, { recursive: true, force: true });
    }
  } finally {
    await release().catch(() => undefined);
  }
}

/** `go install` with the machine's own Go settings (proxy, flags, caches); only GOBIN is ours. */
async function goInstall(go: string, target: string, gobin: string, env: NodeJS.ProcessEnv): Promise<void> {
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
      "If a module could not be fetched, check this machine's Go settings (`go env GOPROXY GOFLAGS`).",
  );
}
