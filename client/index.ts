/** The client library: everything that talks to Temporal (and SumSub's token endpoint) from outside. */
export * from './case-errors';
export * from './case-list';
export * from './case-timings';
export * from './kyc-cases';
export * from './temporal-connection';
export * from './websdk-token';
