import { ConfigurationError } from '../../domain';

/**
 * Endpoint paths, with a user-id placeholder. Kriptomat's pages disagree on prefixes (`/api/v1/partners/...`,
 * `/v1/...`, `v1/users/{user_id}`), so each is configurable (docs/vendor-apis.md, "Kriptomat paths").
 */
export interface KriptomatPaths {
  login: string;
  showUser: string;
  importKyc: string;
}

/** The documented paths; `/v1/users/{userId}` is the other show-user variant, set with its variable. */
export const DEFAULT_KRIPTOMAT_PATHS: KriptomatPaths = {
  login: '/api/v1/partners/auth/login',
  showUser: '/api/v1/partners/users/{userId}',
  importKyc: '/v1/users/{userId}/kyc-import',
};

/** The variable that moves each path, named in errors that suggest a path is wrong. */
export const KRIPTOMAT_PATH_VARIABLES: Readonly<Record<keyof KriptomatPaths, string>> = {
  login: 'KRIPTOMAT_LOGIN_PATH',
  showUser: 'KRIPTOMAT_SHOW_USER_PATH',
  importKyc: 'KRIPTOMAT_IMPORT_PATH',
};

/** The placeholder spellings Kriptomat's pages use for the user id; any one of them may be configured. */
const USER_PLACEHOLDER = /\{(?:userId|user_id|user|id)\}/g;

/**
 * The configured paths over the documented defaults; an `undefined` path keeps its default. A path without a
 * leading slash (as Kriptomat writes `v1/users/{user_id}/kyc-import`) gets one, and the user paths must name
 * the user exactly once, else every call would go to the same or a broken URL: a configuration error.
 */
export function resolveKriptomatPaths(paths: Partial<KriptomatPaths> = {}): KriptomatPaths {
  const resolved = { ...DEFAULT_KRIPTOMAT_PATHS };
  for (const key of Object.keys(DEFAULT_KRIPTOMAT_PATHS) as (keyof KriptomatPaths)[]) {
    const path = paths[key];
    if (path !== undefined) resolved[key] = path.startsWith('/') ? path : `/${path}`;
  }
  for (const key of ['showUser', 'importKyc'] as const) {
    if ((resolved[key].match(USER_PLACEHOLDER) ?? []).length !== 1) {
      throw new ConfigurationError(
        `${KRIPTOMAT_PATH_VARIABLES[key]} must contain the user id placeholder {userId} (or {user_id}) once`,
      );
    }
  }
  return resolved;
}

/** A path template with the user id filled in, percent-encoded so an id can never change the route. */
export function fillUserId(template: string, userId: string): string {
  return template.replace(USER_PLACEHOLDER, () => encodeURIComponent(userId));
}
