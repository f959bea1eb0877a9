import { createHash } from 'node:crypto';
import { InProcessVendorLimits } from './in-process';
import { PostgresVendorLimits } from './postgres';
import type { VendorLimits } from './vendor-limits';

export { InProcessVendorLimits } from './in-process';
export { PostgresVendorLimits } from './postgres';
export type { VendorLimits } from './vendor-limits';
export { VendorLimitsUnavailableError } from './vendor-limits';

/** The limits of a process without a database: one instance, so all its clients count together. */
const inProcess = new InProcessVendorLimits();
/** At most one pool per database URL per process, however many sets of clients are built. */
const shared = new Map<string, PostgresVendorLimits>();

/**
 * The store of this process's vendor limits: the engine's PostgreSQL when `databaseUrl` is set
 * (`KYC_DATABASE_URL`), shared with every other process that uses it; this process's memory otherwise.
 */
export function processVendorLimits(databaseUrl: string | undefined): VendorLimits {
  if (!databaseUrl) return inProcess;
  let store = shared.get(databaseUrl);
  if (!store) {
    store = new PostgresVendorLimits(databaseUrl, { applicationName: 'kyc-worker' });
    shared.set(databaseUrl, store);
  }
  return store;
}

/** Closes the pools `processVendorLimits` opened (the worker's shutdown); later calls open new ones. */
export async function closeProcessVendorLimits(): Promise<void> {
  const stores = [...shared.values()];
  shared.clear();
  await Promise.all(stores.map((store) => store.close()));
}

/**
 * The key a limit is kept under: a SHA-256 digest of what identifies the vendor account, so the table (and
 * anyone reading it) holds no app token, client id or e-mail address.
 */
export function hashedKey(kind: string, ...parts: string[]): string {
  return `${kind}:${createHash('sha256').update(parts.join('\n')).digest('hex')}`;
}
