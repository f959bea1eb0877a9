import { z } from 'zod';

/**
 * Variables renamed so that each word means one thing (docs/glossary.md), old name → new name. For one
 * release the old name is still read: the new one wins when both are set, and each old name in use warns once
 * per process, naming the new one.
 */
export const RENAMED_VARIABLES = {
  KYC_POLL_SCHEDULE: 'KYC_READ_SCHEDULE',
  KYC_REVIEW_POLL_INTERVAL: 'KYC_REVIEW_READ_INTERVAL',
  SUMSUB_PARTNER_CLIENT_ID: 'SUMSUB_KRIPTOMAT_CLIENT_ID',
} as const;

/** Old names this process has warned about: one warning each, however often the configuration is read. */
const warned = new Set<string>();

/** A role's schema that also reads the old names of renamed variables. */
export function readingRenamed<S extends z.ZodType<Record<string, unknown>>>(schema: S) {
  return z.preprocess(withCurrentNames, schema);
}

/** The environment with each old name's value under its new name, unless the new one is set. */
function withCurrentNames(env: unknown): unknown {
  if (typeof env !== 'object' || env === null) return env;
  const given = env as Record<string, unknown>;
  const current = { ...given };
  for (const [old, renamed] of Object.entries(RENAMED_VARIABLES)) {
    if (given[old] === undefined) continue;
    warnOnce(old, renamed);
    current[renamed] ??= given[old];
  }
  return current;
}

/**
 * The name under which `env` gave `variable`: its old name when only that one is set, so an error names what
 * the operator wrote.
 */
export function nameAsGiven(env: NodeJS.ProcessEnv, variable: string): string {
  if (env[variable] !== undefined) return variable;
  const old = Object.entries(RENAMED_VARIABLES).find(([, renamed]) => renamed === variable)?.[0];
  return old !== undefined && env[old] !== undefined ? old : variable;
}

function warnOnce(old: string, renamed: string): void {
  if (warned.has(old)) return;
  warned.add(old);
  process.emitWarning(`${old} is deprecated: use ${renamed} (which wins when both are set)`, {
    type: 'DeprecationWarning',
    code: 'KYC_RENAMED_VARIABLE',
  });
}
