/**
 * Runs scripts/temporal-cli.ts as a real process with a controlled PATH, cache dir and a fake `go`, so that
 * nothing here touches the network, the real Go toolchain or the user's cache.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPORAL_CLI_VERSION } from '../../scripts/temporal-cli';

const REPO = path.resolve(__dirname, '../..');
const TSX_CLI = require.resolve('tsx/cli');
const TIMEOUT = 15_000;

let tmp: string;
let bin: string; // the whole PATH of the script under test
let cache: string; // KYC_CACHE_DIR
let cachedCli: string;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'temporal-cli-test-'));
  bin = path.join(tmp, 'bin');
  cache = path.join(tmp, 'cache');
  cachedCli = path.join(cache, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
  await fs.mkdir(bin);
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the script with node by absolute path, so PATH can hold only what a test puts in `bin`. */
async function runScript(extraEnv: NodeJS.ProcessEnv = {}): Promise<Result> {
  const env = { PATH: bin, HOME: tmp, TMPDIR: os.tmpdir(), KYC_CACHE_DIR: cache, ...extraEnv };
  const child = spawn(process.execPath, [TSX_CLI, 'scripts/temporal-cli.ts'], { cwd: REPO, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

async function writeExecutable(file: string, body: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\nPATH=/usr/bin:/bin\n${body}\n`, { mode: 0o755 });
}

/** A fake `go` that records every call in `calls.log`; `install` runs the given shell snippet. */
async function fakeGo(goVersion: string, install: string): Promise<string> {
  const calls = path.join(tmp, 'calls.log');
  await writeExecutable(
    path.join(bin, 'go'),
    [
      `echo "$*" >> '${calls}'`,
      'case "$1" in',
      `  env) echo ${goVersion} ;;`,
      `  install) ${install} ;;`,
      '  *) echo "fake go: unexpected $*" >&2; exit 2 ;;',
      'esac',
    ].join('\n'),
  );
  return calls;
}

async function readOrEmpty(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '');
}

test(
  'without temporal or go it explains how to get a Temporal CLI, without a stack trace',
  async () => {
    const { code, stdout, stderr } = await runScript();
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('brew install temporal');
    expect(stderr).toContain('TEMPORAL_CLI=');
    expect(stderr).toContain('Go 1.25+');
    expect(stderr).toContain(cachedCli);
    expect(stderr).not.toMatch(/^ {4}at /m);
  },
  TIMEOUT,
);

test(
  'a TEMPORAL_CLI that does not exist is an error naming TEMPORAL_CLI',
  async () => {
    const { code, stdout, stderr } = await runScript({ TEMPORAL_CLI: '/nonexistent/temporal' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('TEMPORAL_CLI=/nonexistent/temporal');
    expect(stderr).not.toMatch(/^ {4}at /m);
  },
  TIMEOUT,
);

test(
  'an executable TEMPORAL_CLI is printed as is',
  async () => {
    const cli = path.join(tmp, 'elsewhere', 'temporal');
    await writeExecutable(cli, 'echo "temporal version 1.5.1"');
    const { code, stdout } = await runScript({ TEMPORAL_CLI: cli });
    expect(code).toBe(0);
    expect(stdout).toBe(`${cli}\n`);
  },
  TIMEOUT,
);

test(
  'a cached build is used without running go',
  async () => {
    await writeExecutable(cachedCli, 'echo "temporal version 1.5.1"');
    const calls = await fakeGo('go1.26.0', 'echo "fake go: must not build" >&2; exit 3');
    const { code, stdout } = await runScript();
    expect(code).toBe(0);
    expect(stdout).toBe(`${cachedCli}\n`);
    expect(await readOrEmpty(calls)).toBe('');
  },
  TIMEOUT,
);

test(
  'two concurrent runs with an empty cache build only once and agree on the path',
  async () => {
    const counter = path.join(tmp, 'installs.log');
    await fakeGo(
      'go1.26.0',
      [
        `echo "$*" >> '${counter}'`,
        'sleep 2',
        `printf '#!/bin/sh\\necho "temporal version 1.5.1"\\n' > "$GOBIN/temporal"`,
        'chmod +x "$GOBIN/temporal"',
      ].join('; '),
    );
    const [a, b] = await Promise.all([runScript(), runScript()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toBe(`${cachedCli}\n`);
    expect(b.stdout).toBe(`${cachedCli}\n`);
    expect((await readOrEmpty(counter)).trim().split('\n')).toEqual([
      `install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
    ]);
    // Neither the temp GOBIN nor the lock is left behind.
    expect(await fs.readdir(path.dirname(cachedCli))).toEqual(['temporal']);
  },
  TIMEOUT,
);

test(
  'a Go older than 1.25 is refused with the version found',
  async () => {
    const calls = await fakeGo('go1.22.3', 'exit 0');
    const { code, stderr } = await runScript();
    expect(code).toBe(1);
    expect(stderr).toContain('go1.22.3');
    expect(stderr).toContain('needs Go 1.25+');
    expect(stderr).not.toMatch(/^ {4}at /m);
    expect(await readOrEmpty(calls)).not.toContain('install');
  },
  TIMEOUT,
);

test(
  'a failed go install reports the exit code and the module go could not fetch',
  async () => {
    const line = 'go: github.com/example/mod@v1.0.0: reading ...: 404 Not Found';
    await fakeGo('go1.26.0', `echo '${line}' >&2; exit 1`);
    const { code, stdout, stderr } = await runScript();
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(line);
    expect(stderr).toContain('exit code 1');
    await expect(fs.access(cachedCli)).rejects.toThrow();
    expect(await fs.readdir(path.dirname(cachedCli))).toEqual([]);
  },
  TIMEOUT,
);
