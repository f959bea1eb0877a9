/**
 * The Kriptomat endpoints the simulator serves, as path templates. docs/vendor-apis.md documents disagreeing
 * prefixes (`/api/v1/partners/...` and `/v1/...`, and `v1/users/{user_id}` for show user), so each path is
 * configurable; the defaults are the ones the seed documents. A template names the user with `{user_id}`, as
 * Kriptomat's pages write it (`{userId}` is accepted too).
 */
export interface KriptomatPaths {
  login: string;
  showUser: string;
  importKyc: string;
}

const DOCUMENTED_KRIPTOMAT_PATHS: KriptomatPaths = {
  login: '/api/v1/partners/auth/login',
  showUser: '/api/v1/partners/users/{user_id}',
  importKyc: '/v1/users/{user_id}/kyc-import',
};

const USER_PLACEHOLDER = /\{user_id\}|\{userId\}/;

/** The given paths over the documented ones; an `undefined` path keeps its default. */
export function kriptomatPaths(paths: Partial<KriptomatPaths> = {}): KriptomatPaths {
  const given = Object.entries(paths).filter(([, path]) => path !== undefined);
  return { ...DOCUMENTED_KRIPTOMAT_PATHS, ...Object.fromEntries(given) };
}

/** `/v1/users/{user_id}/kyc-import` → `/v1/users/:userId/kyc-import` (the router's syntax). */
export function routeOf(template: string): string {
  return template.replace(USER_PLACEHOLDER, ':userId');
}
