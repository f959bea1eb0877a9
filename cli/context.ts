import type { Client } from '@temporalio/client';
import os from 'node:os';
import path from 'node:path';
import type { CliConfig } from '../config';
import { environmentWithDotenv, loadCliConfig } from '../config';
import { ConfigurationError, OPERATOR_NAME_PATTERN, operatorName } from '../domain';
import { connectKycClient } from '../client/temporal-connection';
import { TemporalUnreachableError } from './exit-codes';
import { projectDir } from './project-dir';
import type { CliIo } from './io';
import { writeLine } from './io';

/** The options every command accepts (`kyc --help`). */
export interface GlobalOptions {
  envFile?: string;
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

/**
 * What a command needs beyond its arguments: the configuration (loaded on first use, so `--help` and usage
 * errors never need one) and one Temporal client, closed when the command ends.
 */
export class CliContext {
  /** Set by a command that finished but must report failure (say, one user of many failed to start). */
  exitCode = 0;
  private loaded?: CliConfig;
  private client?: Client;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalOptions,
  ) {}

  /** A line of result on stdout. */
  out(line = ''): void {
    writeLine(this.io.stdout, line);
  }

  /** A line of message on stderr. */
  err(line: string): void {
    writeLine(this.io.stderr, line);
  }

  /** Pure JSON on stdout, for scripts. */
  json(value: unknown): void {
    writeLine(this.io.stdout, JSON.stringify(value, null, 2));
  }

  /**
   * The CLI's configuration: environment over the project's `.env` (or `--env-file`, or `KYC_ENV_FILE`), then
   * the command-line overrides. Never `.env` of the working directory (see `projectDir`).
   */
  config(): CliConfig {
    if (this.loaded) return this.loaded;
    const options = this.globals();
    const base = { ...this.io.env };
    if (options.envFile) base.KYC_ENV_FILE = path.resolve(options.envFile);
    const env = environmentWithDotenv(base, path.join(projectDir(), '.env'));
    if (options.address) env.TEMPORAL_ADDRESS = options.address;
    if (options.namespace) env.TEMPORAL_NAMESPACE = options.namespace;
    if (options.taskQueue) env.TEMPORAL_TASK_QUEUE = options.taskQueue;
    this.loaded = loadCliConfig(env);
    return this.loaded;
  }

  /**
   * Who acts through this command, as the case records it: `cli.<name>`, the name from `--operator`, else
   * `KYC_OPERATOR`, else the OS user (characters a name may not hold become `-`).
   */
  operator(flag?: string): string {
    const name = flag ?? this.config().KYC_OPERATOR ?? osUserName();
    if (!OPERATOR_NAME_PATTERN.test(name))
      throw new ConfigurationError('--operator must be 1-48 letters, digits, _ . @ or -');
    return operatorName('cli', name);
  }

  /** The Temporal client, connected on first use; a server that does not answer is `TemporalUnreachableError`. */
  async connect(): Promise<Client> {
    if (this.client) return this.client;
    const config = this.config();
    try {
      this.client = await connectKycClient(config);
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      if (isFileError(error)) throw new ConfigurationError(`cannot read ${error.path}: ${error.message}`);
      throw new TemporalUnreachableError(config.TEMPORAL_ADDRESS, error);
    }
    return this.client;
  }

  /** Closes the connection, if one was opened. */
  async close(): Promise<void> {
    await this.client?.connection.close();
    this.client = undefined;
  }
}

/** A TLS certificate or key path that cannot be read (`TEMPORAL_TLS_*_PATH`). */
function isFileError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  return (
    error instanceof Error && 'syscall' in error && typeof (error as { path?: unknown }).path === 'string'
  );
}

/** The OS user's name as an operator name; `unknown` when the system has none (a container's numeric user). */
function osUserName(): string {
  let name = '';
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry for the process's user id.
  }
  const cleaned = name
    .replace(/[^A-Za-z0-9_.@-]/g, '-')
    .replace(/^\./, '-')
    .slice(0, 48);
  return cleaned || 'unknown';
}
