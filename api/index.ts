/** The HTTP API: `createApp(deps)` builds it; the process that serves it picks the port. */
export { createApp } from './create-app';
export type { ApiAppConfig, ApiDeps, ApiTimeouts } from './deps';
