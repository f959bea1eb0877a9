/** Endpoint paths, with `{userId}` placeholders. The documentation disagrees on prefixes, so each is configurable. */
export interface KriptomatPaths {
  login: string;
  showUser: string;
  importKyc: string;
}

export const DEFAULT_KRIPTOMAT_PATHS: KriptomatPaths = {
  login: '/api/v1/partners/auth/login',
  showUser: '/api/v1/partners/users/{userId}',
  importKyc: '/v1/users/{userId}/kyc-import',
};

/** The configured paths over the documented defaults; an `undefined` path keeps its default. */
export function resolveKriptomatPaths(paths: Partial<KriptomatPaths> = {}): KriptomatPaths {
  const configured = Object.entries(paths).filter(([, path]) => path !== undefined);
  return { ...DEFAULT_KRIPTOMAT_PATHS, ...Object.fromEntries(configured) };
}

/** A path template with the user id filled in, percent-encoded so an id can never change the route. */
export function fillUserId(template: string, userId: string): string {
  return template.replace('{userId}', encodeURIComponent(userId));
}
