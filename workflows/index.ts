/**
 * The workflow bundle's entry (worker/create-worker.ts `WORKFLOWS_PATH`). Every function this module exports
 * is a workflow type the worker registers, so it exports exactly the engine's two: the case, and the watch of
 * an approved user. The rest of `workflows/` is reached through their imports.
 */
export { kycCase } from './kyc-case';
export { approvedUserWatch } from './approved-user-watch';
export { recordKeeping } from './record-keeping';
