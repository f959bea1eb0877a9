/** The HTTP API: `createApp(deps)` builds it; the process that serves it picks the port. */
export { createApp } from './create-app';
export { DEFAULT_API_TIMEOUTS } from './deps';
export type { ApiAppConfig, ApiDeps, ApiTimeouts } from './deps';
export type { ApiIssue } from './errors';
