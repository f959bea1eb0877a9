/**
 * Finds, or fetches once with Maven, Temporal's Java time-skipping test server (io.temporal:temporal-test-server)
 * and a wrapper that execs it: the unit tier's workflow tests and the bench's day-long wait run on it.
 * Run directly (`npm run temporal-test-server`) it prints the wrapper's path on stdout. Kept outside the repository, in the
 * same cache as the Temporal CLI build (`$KYC_CACHE_DIR`, else `$XDG_CACHE_HOME` or ~/.cache, then
 * kyc-orchestrator/). Maven uses the machine's own settings (repositories, proxy, mirrors).
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lock } from 'proper-lockfile';
import which from 'which';

/** The pinned release (the Java SDK's version; its test server speaks the API the TypeScript SDK 1.24 uses). */
export const TEST_SERVER_VERSION = '1.31.0';

const MAIN_CLASS = 'io.temporal.testserver.TestServer';
/** The test server logs through SLF4J 1.7; its no-op binding keeps it from warning on stderr that it has none. */
const SLF4J_VERSION = '1.7.36';
const execFileAsync = promisify(execFile);

/** Java or Maven is missing, or the fetch failed: the caller falls back and says why. */
export class TimeSkippingUnavailableError extends Error {
  override name = 'TimeSkippingUnavailableError';
}

/** The path of an executable that starts the test server (`<port> [--enable-time-skipping]`). */
export async function resolveTimeSkippingServer(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const dir = path.join(cacheRoot(env), 'temporal-test-server', TEST_SERVER_VERSION);
  const wrapper = path.join(dir, 'test-server');
  const jars = [`temporal-test-server-${TEST_SERVER_VERSION}.jar`, `slf4j-nop-${SLF4J_VERSION}.jar`];
  const fetched = async () =>
    (await executable(wrapper)) && (await allExist(jars.map((jar) => path.join(dir, 'lib', jar))));
  const java = await which('java', { nothrow: true, path: env.PATH ?? '' });
  if (!java) throw new TimeSkippingUnavailableError('java is not on PATH');
  if (await fetched()) return wrapper;

  const mvn = await which('mvn', { nothrow: true, path: env.PATH ?? '' });
  if (!mvn)
    throw new TimeSkippingUnavailableError(`mvn is not on PATH and there is no test server at ${dir}`);
  await fs.mkdir(dir, { recursive: true });
  const release = await lock(dir, {
    lockfilePath: path.join(dir, 'fetch.lock'),
    stale: 60_000,
    update: 10_000,
    retries: { retries: 120, factor: 1.2, minTimeout: 500, maxTimeout: 5_000 },
  });
  try {
    if (await fetched()) return wrapper;
    log(
      `[temporal-test-server] fetching the Temporal time-skipping test server ${TEST_SERVER_VERSION} with Maven into ${dir}`,
    );
    await fs.writeFile(path.join(dir, 'pom.xml'), pom());
    const staging = path.join(dir, 'lib.partial');
    await fs.rm(staging, { recursive: true, force: true });
    try {
      await execFileAsync(
        mvn,
        [
          '-q',
          '-B',
          'dependency:copy-dependencies',
          `-DoutputDirectory=${staging}`,
          '-DincludeScope=runtime',
        ],
        { cwd: dir, env, timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const output = (error as { stdout?: string; stderr?: string }).stdout ?? '';
      const lastLines = output.trimEnd().split('\n').slice(-10).join('\n');
      throw new TimeSkippingUnavailableError(`mvn could not fetch the test server:\n${lastLines}`);
    }
    await fs.rm(path.join(dir, 'lib'), { recursive: true, force: true });
    await fs.rename(staging, path.join(dir, 'lib'));
    // exec: the SDK starts this file and gives it 5 s to listen; the JVM must be the process it watches.
    const script = `#!/bin/sh\nexec java -cp '${path.join(dir, 'lib')}/*' ${MAIN_CLASS} "$@"\n`;
    await fs.writeFile(`${wrapper}.partial`, script, { mode: 0o755 });
    await fs.rename(`${wrapper}.partial`, wrapper);
    return wrapper;
  } finally {
    await release().catch(() => undefined);
  }
}

function pom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kyc-orchestrator</groupId>
  <artifactId>temporal-test-server-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/** As scripts/temporal-cli.ts: outside the repository so that clones and worktrees share one fetch. */
function cacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.KYC_CACHE_DIR) return path.resolve(env.KYC_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.resolve(xdg, 'kyc-orchestrator');
}

async function executable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function allExist(files: string[]): Promise<boolean> {
  const found = await Promise.all(
    files.map((file) =>
      fs.stat(file).then(
        () => true,
        () => false,
      ),
    ),
  );
  return found.every(Boolean);
}

if (require.main === module) {
  resolveTimeSkippingServer().then(
    (wrapper) => void process.stdout.write(`${wrapper}\n`),
    (err: unknown) => {
      process.stderr.write(`temporal-test-server: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
