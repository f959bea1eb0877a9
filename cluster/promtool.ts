/**
 * Finds `promtool` (Prometheus's rule checker) for the alert rules' test: `$PROMTOOL`, then PATH, then a copy
 * taken once from Debian's `prometheus` package into the cache outside the repository. Only the one binary
 * is extracted (`apt-get download` + `dpkg-deb -x`), not installed: installing the package would also start a
 * Prometheus server on port 9090 on a machine others share. Run directly it prints the path.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import which from 'which';
import { cacheRoot, isExecutableFile } from '../stack/go-build';

const execFileAsync = promisify(execFile);

export async function resolvePromtool(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const say = (line: string): void =>
    (options.log ?? ((l: string) => void process.stderr.write(`${l}\n`)))(`[promtool] ${line}`);
  if (env.PROMTOOL) {
    if (!(await isExecutableFile(env.PROMTOOL)))
      throw new Error(`PROMTOOL=${env.PROMTOOL} is not executable`);
    return env.PROMTOOL;
  }
  const onPath = await which('promtool', { nothrow: true, path: env.PATH ?? '' });
  if (onPath) return onPath;
  const dir = path.join(cacheRoot(env), 'promtool');
  const cached = path.join(dir, 'promtool');
  if (await isExecutableFile(cached)) return cached;

  const aptGet = await which('apt-get', { nothrow: true, path: env.PATH ?? '' });
  const dpkgDeb = await which('dpkg-deb', { nothrow: true, path: env.PATH ?? '' });
  if (!aptGet || !dpkgDeb) {
    throw new Error(
      'promtool not found: install Prometheus (Debian: the `prometheus` package ships it) or set PROMTOOL.',
    );
  }
  await fs.mkdir(dir, { recursive: true });
  const work = await fs.mkdtemp(path.join(dir, 'download-'));
  try {
    say("taking promtool from Debian's prometheus package (once)");
    const download = () => execFileAsync(aptGet, ['download', 'prometheus'], { cwd: work, env });
    // A fresh machine's package index may be empty or stale: refresh it only when the download fails.
    await download().catch(async () => {
      await execFileAsync(aptGet, ['update'], { env });
      await download();
    });
    const deb = (await fs.readdir(work)).find((name) => name.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download prometheus produced no .deb');
    await execFileAsync(dpkgDeb, ['-x', path.join(work, deb), path.join(work, 'root')]);
    // Renamed into place: a concurrent run sees either no promtool or a whole one.
    await fs.rename(path.join(work, 'root', 'usr', 'bin', 'promtool'), cached);
    say(`cached at ${cached}`);
    return cached;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  resolvePromtool().then(
    (file) => void process.stdout.write(`${file}\n`),
    (error: unknown) => {
      process.stderr.write(`promtool: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
