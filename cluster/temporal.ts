/**
 * The Temporal side of the cluster, each step through the same file compose uses (deploy/temporal/): the
 * schema job, the server (start-server.sh with server.yaml.tmpl and dynamicconfig.yaml), the registration job and
 * the UI server (ui.yaml.tmpl).
 */
import { Connection } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KYC_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { freeLoopbackPort } from '../worker/free-port';
import { isPortFree } from '../stack/ports';
import type { ClusterBinaries } from './binaries';
import type { Child } from '../stack/child';
import { startChild } from '../stack/child';
import type { DatabaseAccess } from './postgres';

export const DEPLOY_DIR = path.resolve(__dirname, '..', 'deploy', 'temporal');
const HOST = '127.0.0.1';
/**
 * The LOCAL history shard count (deploy/temporal/server.yaml.tmpl explains it; production uses that file's
 * default, 512). Fixed when the cluster's database is created: never change it for an existing cluster dir.
 */
export const LOCAL_HISTORY_SHARDS = 4;
const READY_TIMEOUT_MS = 90_000;
const MAX_MEMBERSHIP_PORT = 32_767;
const SERVING = grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;

export interface RunningTemporal {
  server: Child;
  /** host:port of the frontend. */
  address: string;
}

/** Runs a one-shot deploy/temporal script to its end; rejects with its last lines unless it exits 0. */
export async function runDeployScript(
  script: 'setup-schema.sh' | 'register.sh' | 'set-current-version.sh',
  env: Record<string, string>,
  logDir: string,
): Promise<void> {
  const name = script.replace(/\.sh$/, '');
  const child = startChild({
    name,
    command: 'bash',
    args: [path.join(DEPLOY_DIR, script)],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    logFile: path.join(logDir, `${name}.log`),
    // The schema tool logs every statement at DEBUG: the log file keeps them.
    echo: (line) => (/DEBUG/.test(line) ? null : line),
  });
  const how = await child.exited;
  if (how !== 'exit code 0') {
    throw new Error(`deploy/temporal/${script} failed (${how}):\n  ${child.tail().slice(-10).join('\n  ')}`);
  }
}

/** `setup-schema.sh` with the server module's schema files and the schema tool this run built. */
export function setupSchema(binaries: ClusterBinaries, db: DatabaseAccess, logDir: string): Promise<void> {
  return runDeployScript(
    'setup-schema.sh',
    { ...db, SCHEMA_ROOT: binaries.schemaRoot, TEMPORAL_SQL_TOOL: binaries.sqlTool },
    logDir,
  );
}

/**
 * Starts the server on loopback: the frontend on `frontendPort` (7233 unless taken), every other port free,
 * and waits until the frontend reports SERVING.
 */
export async function startServer(
  binaries: ClusterBinaries,
  db: DatabaseAccess,
  logDir: string,
  frontendPort: number,
): Promise<RunningTemporal> {
  const ports = await serverPorts(path.join(logDir, '..', 'temporal-ports.json'), frontendPort);
  const port = Number(ports.FRONTEND_GRPC_PORT);
  const server = startChild({
    name: 'temporal',
    command: '/bin/sh',
    args: [path.join(DEPLOY_DIR, 'start-server.sh')],
    env: {
      PATH: process.env.PATH ?? '',
      ...db,
      ...ports,
      TEMPORAL_SERVER: binaries.server,
      TEMPORAL_CONFIG_DIR: path.join(logDir, '..', 'temporal-config'),
      BIND_ON_IP: HOST,
      NUM_HISTORY_SHARDS: String(LOCAL_HISTORY_SHARDS),
      LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL || 'warn',
    },
    logFile: path.join(logDir, 'temporal-server.log'),
    // Errors only (the server's warnings at start, membership and shard ownership, are routine), and each
    // kind once per half minute: while PostgreSQL is down the server logs thousands (the log file keeps all).
    echo: errorsNowAndThen(),
    stopTimeoutMs: 20_000,
  });
  const address = `${HOST}:${port}`;
  try {
    await Promise.race([
      waitForServing(address, READY_TIMEOUT_MS),
      server.exited.then((how) => Promise.reject(new Error(`the Temporal server ended (${how})`))),
    ]);
  } catch (error) {
    await server.stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${reason}. Last lines of ${server.logFile}:\n  ${server.tail().slice(-15).join('\n  ')}`,
      { cause: error },
    );
  }
  return { server, address };
}

/** `register.sh`: the namespace (if missing) and the search attributes of domain/search-attributes.ts. */
export function register(
  binaries: ClusterBinaries,
  address: string,
  namespace: string,
  logDir: string,
): Promise<void> {
  return runDeployScript(
    'register.sh',
    {
      TEMPORAL_CLI: binaries.cli,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      NAMESPACE_RETENTION: process.env.TEMPORAL_NAMESPACE_RETENTION || '720h',
      SEARCH_ATTRIBUTES: searchAttributesSpec(),
    },
    logDir,
  );
}

/** `Name=Type ...` as register.sh (and compose's temporal-register) takes them; the CLI spells `Keyword`. */
export function searchAttributesSpec(): string {
  const cliType = (sdkType: string): string =>
    sdkType
      .toLowerCase()
      .split('_')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('');
  return KYC_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${cliType(key.type)}`).join(' ');
}

/**
 * The UI server with deploy/temporal/ui.yaml.tmpl, on loopback; its codec endpoint is the API's `/codec` as the
 * operator's browser reaches it. Resolves once it serves its page.
 */
export async function startUi(
  binaries: ClusterBinaries,
  options: { address: string; port: number; codecEndpoint: string; namespace: string; logDir: string },
): Promise<{ ui: Child; url: string }> {
  const port = (await isPortFree(options.port, HOST)) ? options.port : await freeLoopbackPort();
  const url = `http://${HOST}:${port}`;
  // The loader wants `<env>.yaml`; the template is checked in as .tmpl (Prettier cannot parse Go templates).
  const configDir = path.join(options.logDir, '..', 'ui-config');
  await mkdir(configDir, { recursive: true });
  await copyFile(path.join(DEPLOY_DIR, 'ui.yaml.tmpl'), path.join(configDir, 'ui.yaml'));
  const ui = startChild({
    name: 'temporal-ui',
    command: binaries.uiServer,
    args: ['--root', configDir, '--config', '.', '--env', 'ui', 'start'],
    env: {
      PATH: process.env.PATH ?? '',
      TEMPORAL_ADDRESS: options.address,
      TEMPORAL_UI_HOST: HOST,
      TEMPORAL_UI_PORT: String(port),
      TEMPORAL_DEFAULT_NAMESPACE: options.namespace,
      TEMPORAL_CODEC_ENDPOINT: options.codecEndpoint,
      TEMPORAL_CORS_ORIGINS: `${url},http://localhost:${port}`,
    },
    logFile: path.join(options.logDir, 'temporal-ui.log'),
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && ui.running()) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { ui, url };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await ui.stop();
  throw new Error(`the Temporal UI did not serve ${url}:\n  ${ui.tail().slice(-10).join('\n  ')}`);
}

const SERVER_PORTS = [
  'FRONTEND_GRPC_PORT',
  'FRONTEND_HTTP_PORT',
  'HISTORY_GRPC_PORT',
  'MATCHING_GRPC_PORT',
  'WORKER_GRPC_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_MEMBERSHIP_PORT',
] as const;

/**
 * The ports of the last run when all are still free, else new ones (kept in `file` for the next run). The
 * same ports matter: the server finds its previous run's hosts in PostgreSQL's membership table, and with
 * the same host:port identities it recognises itself at once, instead of routing to hosts that no longer
 * exist until their heartbeats expire (requests fail as unavailable for the first seconds).
 */
async function serverPorts(file: string, frontendPort: number): Promise<Record<string, string>> {
  const previous = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Record<string, string>,
    () => null,
  );
  const sameFrontend = previous?.FRONTEND_GRPC_PORT === String(frontendPort);
  if (previous && sameFrontend && SERVER_PORTS.every((name) => previous[name])) {
    const free = await Promise.all(SERVER_PORTS.map((name) => isPortFree(Number(previous[name]), HOST)));
    if (free.every(Boolean)) return previous;
  }
  const ports: Record<string, string> = {};
  ports.FRONTEND_GRPC_PORT = String(
    (await isPortFree(frontendPort, HOST)) ? frontendPort : await freeLoopbackPort(),
  );
  for (const name of SERVER_PORTS.slice(1)) {
    ports[name] = String(
      name.endsWith('_MEMBERSHIP_PORT') ? await freeMembershipPort() : await freeLoopbackPort(),
    );
  }
  await writeFile(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}

/**
 * The server records each service's membership port in PostgreSQL's `cluster_membership.rpc_port`, a
 * SMALLINT: a port above 32767 (any ephemeral port Linux hands out) makes the server exit at start
 * ("value out of range for type smallint"). So membership ports are picked below 32768.
 */
async function freeMembershipPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 10_000));
    if (await isPortFree(port, HOST)) return port;
  }
  throw new Error(`no free port below ${MAX_MEMBERSHIP_PORT + 1} for the server's membership ring`);
}

/** The frontend's gRPC health check says SERVING (the server has joined its ring and owns its shards). */
async function waitForServing(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        const { status } = await connection.healthService.check({});
        if (status === SERVING) return;
        last = new Error(`health status ${String(status)}`);
      } finally {
        await connection.close();
      }
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `the Temporal server at ${address} was not serving within ${timeoutMs / 1000} s ` +
      `(${last instanceof Error ? last.message : String(last)})`,
  );
}

const ECHO_EVERY_MS = 30_000;

/** Error lines, each message at most once per `ECHO_EVERY_MS`, with how many like it were not shown. */
function errorsNowAndThen(now: () => number = Date.now): (line: string) => string | null {
  const shown = new Map<string, { at: number; hidden: number }>();
  return (line) => {
    if (!/"level":"(error|fatal|panic)"/.test(line)) return null;
    const message = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line;
    const last = shown.get(message);
    if (last && now() - last.at < ECHO_EVERY_MS) {
      last.hidden += 1;
      return null;
    }
    shown.set(message, { at: now(), hidden: 0 });
    return last?.hidden ? `${line} (and ${last.hidden} more like it in the log)` : line;
  };
}
