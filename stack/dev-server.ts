/**
 * Runs `temporal server start-dev` as a child process with the project's search attributes registered, and
 * resolves once the frontend (and the UI, when enabled) answers.
 */
import { Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { KYC_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { forwardLines } from './lines';
import { isPortFree } from './ports';

export interface DevServerOptions {
  cli: string;
  port: number;
  /** Omit for a headless server. */
  uiPort?: number;
  /** Persist state here; omitted, everything is lost when the server stops. */
  dbFile?: string;
  namespace?: string;
  /** Receives each line the server prints; defaults to stderr. */
  log?: (line: string) => void;
  extraArgs?: string[];
}

export interface RunningDevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  uiUrl: string | null;
  /** Settles with how the server ended (e.g. `exit code 1`), whether stopped or not: watch it for crashes. */
  exited: Promise<string>;
  stop(): Promise<void>;
  /** Kills the server at once with `signal` (no orderly stop: a crash, for the chaos run) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A port the server needs is taken; `role` says which option chose it. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly role: 'frontend' | 'ui',
  ) {
    super(`port ${port} (Temporal ${role === 'ui' ? 'UI' : 'gRPC frontend'}) is already in use`);
  }
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 10_000;
const TAIL_LINES = 20;

/** Dev servers still running, killed if this process exits (e.g. `process.exit`) without stopping them. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const namespace = options.namespace ?? 'default';
  const log = options.log ?? ((line: string) => void process.stderr.write(`[temporal] ${line}\n`));
  // Checked up front: the server's own bind error is buried in its log and names no setting.
  await assertPortFree(options.port, 'frontend');
  if (options.uiPort !== undefined) await assertPortFree(options.uiPort, 'ui');

  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(options.port)];
  args.push(...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]));
  if (options.dbFile) {
    const dbFile = path.resolve(options.dbFile);
    // The server refuses a db file whose directory does not exist.
    await mkdir(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  args.push('--namespace', namespace, '--log-level', 'warn');
  for (const key of KYC_SEARCH_ATTRIBUTES)
    args.push('--search-attribute', `${key.name}=${cliType(key.type)}`);
  args.push(...(options.extraArgs ?? []));

  // Own process group: a terminal's Ctrl-C must reach only the parent, which stops its workers before the
  // server; a server that died first would leave them retrying polls against nothing.
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  const tail: string[] = [];
  let stopping = false;
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    // Once stopping, the server logs a burst of "failed to poll" warnings about its own shutdown: noise.
    if (!stopping && line.trim()) log(line);
  };
  forwardLines(child.stdout, onLine);
  forwardLines(child.stderr, onLine);

  // An object, not a `let`: TypeScript would narrow a `let` to null, not seeing the callback assign it.
  const exit: { reason: string | null } = { reason: null };
  const exited = new Promise<void>((resolve) => {
    const done = (reason: string): void => {
      exit.reason ??= reason;
      live.delete(child);
      resolve();
    };
    child.once('error', (error) => done(`could not run ${options.cli}: ${error.message}`));
    // 'close', not 'exit': it comes after the pipes drained, so the tail holds the server's last words.
    child.once('close', (code, signal) => done(signal ? `killed by ${signal}` : `exit code ${code}`));
  });

  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopPromise ??= (async () => {
      stopping = true;
      if (!live.has(child)) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    })());

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    stopping = true;
    if (live.has(child)) child.kill(signal);
    await exited;
  };

  const address = `${HOST}:${options.port}`;
  const uiUrl = options.uiPort === undefined ? null : `http://${HOST}:${options.uiPort}`;
  let failure: string | null = null;
  try {
    // Raced with the exit so that a server that dies at once is reported at once, not after a connect timeout.
    await Promise.race([waitUntilReady(address, namespace, uiUrl, () => exit.reason !== null), exited]);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  if (exit.reason !== null) failure = `exited early (${exit.reason})`;
  if (failure !== null) {
    await stop();
    const inUse = tail.map((line) => /can't set (frontend|UI) port (\d+).*address already in use/.exec(line));
    const match = inUse.find((m) => m !== null);
    if (match) throw new PortInUseError(Number(match[2]), match[1] === 'UI' ? 'ui' : 'frontend');
    const lastLines = tail.map((line) => `  ${line}`).join('\n') || '  (no output)';
    throw new Error(`temporal dev server ${failure}. Last lines of its output:\n${lastLines}`);
  }
  return { address, uiUrl, exited: exited.then(() => exit.reason ?? 'exited'), stop, kill };
}

/** The CLI spells types `Keyword`, `KeywordList`, ...; the SDK spells them `KEYWORD`, `KEYWORD_LIST`. */
function cliType(sdkType: string): string {
  return sdkType
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

async function assertPortFree(port: number, role: 'frontend' | 'ui'): Promise<void> {
  if (!(await isPortFree(port, HOST))) throw new PortInUseError(port, role);
}

/** Ready means the namespace can be described (so it is registered) and the UI, if any, serves pages. */
async function waitUntilReady(
  address: string,
  namespace: string,
  uiUrl: string | null,
  gone: () => boolean,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  let frontendReady = false;
  while (Date.now() < deadline && !gone()) {
    try {
      if (!frontendReady) {
        const connection = await Connection.connect({ address, connectTimeout: '2s' });
        try {
          await connection.workflowService.describeNamespace({ namespace });
        } finally {
          await connection.close();
        }
        frontendReady = true;
      }
      if (uiUrl === null || (await fetch(uiUrl, { signal: AbortSignal.timeout(2_000) })).ok) return;
      lastError = new Error(`${uiUrl} does not answer 200 yet`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (gone()) throw new Error('exited'); // the caller reports how
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`not ready within ${READY_TIMEOUT_MS / 1000} s (last error: ${reason})`);
}
