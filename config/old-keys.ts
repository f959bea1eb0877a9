import { RENAMED_VARIABLES } from './renamed';

type Renamed = typeof RENAMED_VARIABLES;

/** A parsed configuration that also holds each renamed variable it has under the variable's old name. */
export type WithOldKeys<T> = T & {
  [Old in keyof Renamed as Renamed[Old] extends keyof T ? Old : never]: T[Renamed[Old] & keyof T];
};

/**
 * Copies each renamed variable's value to its old key, for readers of the parsed configuration that still use
 * the old names; goes once none does.
 */
export function withOldKeys<T extends Record<string, unknown>>(config: T): WithOldKeys<T> {
  const old = Object.entries(RENAMED_VARIABLES).filter(([, renamed]) => renamed in config);
  return {
    ...config,
    ...Object.fromEntries(old.map(([name, renamed]) => [name, config[renamed]])),
  } as WithOldKeys<T>;
}
