/**
 * Finds a Chromium for the headless UI check, or installs Debian's `chromium` package once when running as
 * root on Debian (CI and fresh development machines). Run directly (`npm run chromium`) it prints the path.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import which from 'which';

/** No Chromium is available and none can be installed; the message says how to get one. */
export class ChromiumUnavailableError extends Error {
  override name = 'ChromiumUnavailableError';
}

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** An absolute path to a Chromium executable: `$CHROMIUM_PATH`, then PATH, then an apt install. */
export async function resolveChromium(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const say = (line: string): void =>
    (options.log ?? ((l) => void process.stderr.write(`${l}\n`)))(`[chromium] ${line}`);
  if (env.CHROMIUM_PATH) {
    if (!(await isExecutable(env.CHROMIUM_PATH))) {
      throw new ChromiumUnavailableError(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
    }
    return env.CHROMIUM_PATH;
  }
  const found = await onPath(env);
  if (found) return found;

  const aptGet = await which('apt-get', { nothrow: true, path: env.PATH ?? '' });
  if (!aptGet || process.getuid?.() !== 0) {
    throw new ChromiumUnavailableError(
      'no Chromium found. Install one (Debian/Ubuntu: `apt-get install chromium`), or set CHROMIUM_PATH ' +
        'to a Chromium or Chrome executable.',
    );
  }
  say("installing Debian's chromium package (once; about a minute)");
  // The package index may be stale on a fresh machine: refresh it only if the first attempt fails.
  if ((await run(aptGet, ['install', '-y', '--no-install-recommends', 'chromium'])) !== 0) {
    await run(aptGet, ['update']);
    const code = await run(aptGet, ['install', '-y', '--no-install-recommends', 'chromium']);
    if (code !== 0) throw new ChromiumUnavailableError(`apt-get install chromium failed (exit code ${code})`);
  }
  const installed = await onPath(env);
  if (!installed) throw new ChromiumUnavailableError('apt-get installed chromium, but it is not on PATH');
  say(`installed ${installed}`);
  return installed;
}

async function onPath(env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const name of CANDIDATES) {
    const found = await which(name, { nothrow: true, path: env.PATH ?? '' });
    if (found) return found;
  }
  return null;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Runs apt-get with its output on stderr; waits for dpkg's lock rather than failing on a concurrent run. */
function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      stdio: ['ignore', process.stderr, process.stderr],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

if (require.main === module) {
  resolveChromium().then(
    (file) => void process.stdout.write(`${file}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
