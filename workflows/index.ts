// The workflow bundle's entry: every export here is a workflow type the worker can run.
export { kycCase } from './kyc-case';
