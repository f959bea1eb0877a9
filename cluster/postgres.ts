/**
 * The cluster's PostgreSQL: a data directory of its own, initialised once and started on a free loopback
 * port with `pg_ctl`, or the server `DATABASE_URL` names. PostgreSQL refuses to run as root, so as root every
 * PostgreSQL command runs as the `postgres` system user, on a directory that user owns and can reach (not
 * under /root, which it cannot enter: see the cluster dir in ./paths.ts).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import which from 'which';
import { freeLoopbackPort } from '../worker/free-port';
import type { ClusterPaths } from './paths';

const execFileAsync = promisify(execFile);

/** How Temporal and its setup job reach the database: the variables of deploy/temporal/setup-schema.sh. */
export interface DatabaseAccess {
  POSTGRES_SEEDS: string;
  DB_PORT: string;
  POSTGRES_USER: string;
  POSTGRES_PWD: string;
}

export interface RunningDatabase {
  access: DatabaseAccess;
  /** `immediate` is a crash as PostgreSQL sees one (no checkpoint): the chaos run's fault. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port after a stop (the chaos run's restart). */
  start(): Promise<void>;
  /** What to show on a failure. */
  logFile: string | null;
}

/**
 * The engine's own database (vendor limits shared by the workers: vendors/limits/), next to
 * Temporal's two in the same server; deploy/temporal/setup-schema.sh creates it, for compose and the cluster.
 */
export const ENGINE_DATABASE = 'kyc';

/**
 * `KYC_DATABASE_URL` for the workers: the engine's database on this server, with Temporal's role (the one
 * role the cluster and compose create; its password is already in the env file).
 */
export function engineDatabaseUrl(access: DatabaseAccess, database: string = ENGINE_DATABASE): string {
  const host = access.POSTGRES_SEEDS.includes(':') ? `[${access.POSTGRES_SEEDS}]` : access.POSTGRES_SEEDS;
  const user = encodeURIComponent(access.POSTGRES_USER);
  const password = encodeURIComponent(access.POSTGRES_PWD);
  return `postgres://${user}:${password}@${host}:${access.DB_PORT}/${encodeURIComponent(database)}`;
}

/** The superuser initdb creates: the same role name as compose's `postgresql` service. */
const DB_USER = 'temporal';
const UNPRIVILEGED = 'postgres';

/** The database of DATABASE_URL (postgres://user:password@host:port/...): nothing to start or stop. */
export function externalDatabase(url: string): RunningDatabase {
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('DATABASE_URL must be a postgres:// URL');
  const access = {
    POSTGRES_SEEDS: parsed.hostname,
    DB_PORT: parsed.port || '5432',
    POSTGRES_USER: decodeURIComponent(parsed.username),
    POSTGRES_PWD: decodeURIComponent(parsed.password),
  };
  return { access, stop: () => Promise.resolve(), start: () => Promise.resolve(), logFile: null };
}

/**
 * Initialises the data directory on the first run (the password becomes the `temporal` role's), then starts
 * PostgreSQL and waits until it accepts connections. A server still running on this data directory (a
 * previous run killed without its cleanup) is stopped first: its port is unknown to this run.
 */
export async function startLocalDatabase(
  paths: ClusterPaths,
  password: string,
  log: (line: string) => void,
): Promise<RunningDatabase> {
  const bin = await postgresBinDir();
  const pgCtl = path.join(bin, 'pg_ctl');
  const { pgDir, pgData, pgLog } = paths;
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  if (asRoot()) await execFileAsync('chown', [`${UNPRIVILEGED}:${UNPRIVILEGED}`, pgDir]);
  await fs.chmod(pgDir, 0o700);

  if (!(await exists(path.join(pgData, 'PG_VERSION')))) {
    log(`initialising PostgreSQL in ${pgData} (owner ${asRoot() ? UNPRIVILEGED : 'you'})`);
    await fs.rm(pgData, { recursive: true, force: true });
    const pwFile = path.join(pgDir, 'initdb.pw');
    await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (asRoot()) await execFileAsync('chown', [UNPRIVILEGED, pwFile]);
    try {
      await run(pgDir, path.join(bin, 'initdb'), [
        '-D',
        pgData,
        '-U',
        DB_USER,
        `--pwfile=${pwFile}`,
        // Passwords on every connection, also over the socket: as in compose, nothing trusts the OS user.
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ]);
    } finally {
      await fs.rm(pwFile, { force: true });
    }
  }

  if (await isRunning(pgDir, pgCtl, pgData)) {
    log('a PostgreSQL of an earlier run is still running on this data directory; stopping it');
    await run(pgDir, pgCtl, ['-D', pgData, '-m', 'fast', '-w', 'stop']);
  }

  const port = await freeLoopbackPort();
  const start = async (): Promise<void> => {
    await run(pgDir, pgCtl, [
      '-D',
      pgData,
      '-l',
      pgLog,
      '-w',
      '-t',
      '60',
      // Loopback only, and the socket in our own directory (the default /var/run/postgresql may not exist or
      // belong to the system's PostgreSQL). max_connections stays 100, as in compose: server.yaml.tmpl's pools
      // are sized against it.
      '-o',
      `-p ${port} -k '${pgDir}' -c listen_addresses=127.0.0.1 -c max_connections=100`,
      'start',
    ]);
    running.add(pgData);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    if (!(await isRunning(pgDir, pgCtl, pgData))) return;
    await run(pgDir, pgCtl, ['-D', pgData, '-m', mode, '-w', '-t', '60', 'stop']);
    running.delete(pgData);
  };
  log(`starting PostgreSQL on 127.0.0.1:${port} (log: ${pgLog})`);
  stopOnExit(pgCtl, pgDir);
  await start();
  const access = {
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(port),
    POSTGRES_USER: DB_USER,
    POSTGRES_PWD: password,
  };
  return { access, stop, start, logFile: pgLog };
}

/**
 * Data directories this process started: `pg_ctl` daemonises PostgreSQL, so it is no child of ours and would
 * outlive a `process.exit` (a second Ctrl-C, a failed start). The exit hook stops them synchronously.
 */
const running = new Set<string>();
let hooked = false;
function stopOnExit(pgCtl: string, cwd: string): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pgData of running) {
      const [command, args] = asPostgres(pgCtl, ['-D', pgData, '-m', 'immediate', '-w', 'stop']);
      spawnSync(command, args, { cwd, stdio: 'ignore', timeout: 30_000 });
    }
  });
}

async function isRunning(cwd: string, pgCtl: string, pgData: string): Promise<boolean> {
  // Exit code 0: running; 3: not running; 4: no data directory.
  return run(cwd, pgCtl, ['-D', pgData, 'status']).then(
    () => true,
    () => false,
  );
}

/** Runs a PostgreSQL program as the unprivileged user when this process is root; rejects with its output. */
async function run(cwd: string, program: string, args: string[]): Promise<string> {
  const [command, fullArgs] = asPostgres(program, args);
  try {
    // cwd: a directory the postgres user can enter (it cannot stay in /root).
    return (await execFileAsync(command, fullArgs, { cwd, timeout: 120_000 })).stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const output = `${stdout}${stderr}`.trim().split('\n').slice(-10).join('\n  ');
    throw new Error(`${path.basename(program)} ${args.join(' ')} failed:\n  ${output}`, { cause: error });
  }
}

function asRoot(): boolean {
  return process.getuid?.() === 0;
}

function asPostgres(program: string, args: string[]): [string, string[]] {
  return asRoot() ? ['runuser', ['-u', UNPRIVILEGED, '--', program, ...args]] : [program, args];
}

/**
 * PG_BIN when set; else the newest of Debian's /usr/lib/postgresql/<version>/bin (not on PATH there); else
 * wherever `pg_ctl` is on PATH.
 */
async function postgresBinDir(): Promise<string> {
  if (process.env.PG_BIN) return path.resolve(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  const versions = (() => {
    try {
      return readdirSync(root).filter((name) => /^\d+$/.test(name));
    } catch {
      return [];
    }
  })().sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (await exists(path.join(bin, 'pg_ctl'))) return bin;
  }
  const onPath = await which('pg_ctl', { nothrow: true });
  if (onPath) return path.dirname(onPath);
  throw new Error(
    'PostgreSQL is not installed (no pg_ctl in /usr/lib/postgresql/*/bin or on PATH): install it ' +
      '(Debian: apt-get install postgresql), set PG_BIN to its bin directory, or give DATABASE_URL.',
  );
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
