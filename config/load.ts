import { parse } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigurationError } from '../domain';
import { nameAsGiven } from './renamed';

/**
 * The environment with `.env` beneath it: variables already set win, so a deployment's environment overrides
 * the file. `KYC_ENV_FILE` names another file (`npm start` writes one for the sandbox). `defaultFile` is read
 * when it is unset: `.env` of the working directory for the worker and the API, which run from the project;
 * the CLI, which runs anywhere, passes the project's own.
 */
export function environmentWithDotenv(
  env: NodeJS.ProcessEnv = process.env,
  defaultFile: string = path.resolve('.env'),
): NodeJS.ProcessEnv {
  const file = env.KYC_ENV_FILE ?? defaultFile;
  if (!existsSync(file)) {
    if (env.KYC_ENV_FILE) throw new ConfigurationError(`KYC_ENV_FILE: no such file ${env.KYC_ENV_FILE}`);
    return env;
  }
  return { ...parse(readFileSync(file)), ...env };
}

/**
 * Parses `env` with one of the role schemas. A missing or malformed variable is named in the error (by the
 * name it was given under), its value never echoed (it may be a secret).
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(({ path: [variable, ...rest], message }) => {
    const name = variable === undefined ? [] : [nameAsGiven(env, String(variable))];
    return `  ${[...name, ...rest].join('.')}: ${message}`;
  });
  throw new ConfigurationError(`invalid configuration:\n${problems.join('\n')}`);
}
