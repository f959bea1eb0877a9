/**
 * The workflow bundle's entry (worker/create-worker.ts `WORKFLOWS_PATH`). Every function this module exports
 * is a workflow type the worker registers, so it exports exactly the engine's three: the case, the watch of an
 * approved user, and the record keeping that destroys an erased user's key when the AML hold ends. The rest of `workflows/` is reached through their imports.
 */
export { kycCase } from './kyc-case';
export { approvedUserWatch } from './approved-user-watch';
export { recordKeeping } from './record-keeping';
