import { environmentWithDotenv, parseConfig } from './load';
import type { ApiConfig, CliConfig, WorkerConfig } from './roles';
import { apiConfigSchema, cliConfigSchema, workerConfigSchema } from './roles';

export { CONFIG_VARIABLES, DEFAULT_WORKER_DEPLOYMENT } from './fields';
export { environmentWithDotenv } from './load';
export * from './roles';

/** The worker's configuration from the environment (and `.env`); throws a `ConfigurationError` naming each bad variable. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = environmentWithDotenv()): WorkerConfig {
  return parseConfig(workerConfigSchema, env);
}

/** The HTTP API's configuration. */
export function loadApiConfig(env: NodeJS.ProcessEnv = environmentWithDotenv()): ApiConfig {
  return parseConfig(apiConfigSchema, env);
}

/** The CLI's configuration. */
export function loadCliConfig(env: NodeJS.ProcessEnv = environmentWithDotenv()): CliConfig {
  return parseConfig(cliConfigSchema, env);
}
