export * from './case-phase';
export * from './case-state';
export * from './errors';
export * from './ids';
export * from './kriptomat-status';
export * from './search-attributes';
export * from './sumsub-review';
