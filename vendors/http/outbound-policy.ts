import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { outboundFields } from '../../config/fields';
import { ConfigurationError, normalizeHost } from '../../domain';

/**
 * What a connection is opened with once its host has been resolved and checked: the agent's options, with a
 * `lookup` that answers with the checked addresses only (so the socket cannot resolve the name again).
 */
export type ConnectOptions = ConnectionOptions & { host?: string; port?: number };

/** Opens the socket of a checked connection; tests inject one that records the options and never dials. */
export type Connect = (options: ConnectOptions) => Duplex;

/** How every vendor and partner call reaches the network (see `createVendorHttp`). */
export interface OutboundPolicy {
  /**
   * Lowercase host names and IP literals that may be reached over plain http and at loopback, private or
   * link-local addresses (`KYC_ALLOW_INSECURE_HOSTS`). Empty by default: https to public addresses only.
   */
  insecureHosts: ReadonlySet<string>;
  /** The longest `Retry-After` honoured (`KYC_MAX_RETRY_AFTER`, default 10 minutes). */
  maxRetryAfterMs: number;
  /** Resolves a host name to all its addresses; tests inject one so that no query leaves the machine. */
  resolve: (hostname: string) => Promise<LookupAddress[]>;
  /** Opens the socket; undefined for the real one (`net`/`tls`). */
  connect?: Connect;
}

/**
 * Ten minutes: longer than any rate-limit window SumSub or Kriptomat document, and short enough that a
 * vendor's `Retry-After: 999999999` delays a case by minutes, not decades.
 */
export const DEFAULT_MAX_RETRY_AFTER_MS = 10 * 60_000;

const systemResolve = (hostname: string): Promise<LookupAddress[]> =>
  lookup(hostname, { all: true, verbatim: true });

/** The environment's policy, read once, when first needed (tests that change the variables reset it). */
let fromEnvironment: OutboundPolicy | undefined;
/** The process's policy: the environment's, with what `configureOutboundPolicy` set on top. */
let resolved: OutboundPolicy | undefined;

function environmentPolicy(): OutboundPolicy {
  fromEnvironment ??= policyFromVariables(process.env);
  return fromEnvironment;
}

/**
 * The policy of this process with `overrides` on top: what `configureOutboundPolicy` set (the worker and the
 * API set it from their configuration), else what the environment said when first asked (clients built
 * outside a configured process: tests, the CLI). Read when a client is built, so a client keeps the policy it
 * was built with.
 */
export function outboundPolicy(overrides: Partial<OutboundPolicy> = {}): OutboundPolicy {
  resolved ??= environmentPolicy();
  return { ...resolved, ...definedOnly(overrides) };
}

/**
 * Sets the process's policy from its configuration, for every client built after it; `undefined` fields keep
 * the environment's. Called at start-up by the worker and the API.
 */
export function configureOutboundPolicy(policy: Partial<OutboundPolicy>): void {
  resolved = { ...environmentPolicy(), ...definedOnly(policy) };
}

/**
 * Forgets the configured policy and the environment's, so the next client reads the variables again: for
 * tests that change `KYC_ALLOW_INSECURE_HOSTS` or `KYC_MAX_RETRY_AFTER` in `process.env`, or configure a policy
 * for one case only. A process never calls it: its environment does not change.
 */
export function resetOutboundPolicy(): void {
  fromEnvironment = undefined;
  resolved = undefined;
}

/** The policy the two configuration variables describe (either may be unset). */
export function policyFromVariables(vars: {
  KYC_ALLOW_INSECURE_HOSTS?: string | readonly string[];
  KYC_MAX_RETRY_AFTER?: string | number;
}): OutboundPolicy {
  const hosts = vars.KYC_ALLOW_INSECURE_HOSTS;
  const list =
    typeof hosts === 'string' ? outboundFields.KYC_ALLOW_INSECURE_HOSTS.parse(hosts) : (hosts ?? []);
  const max = vars.KYC_MAX_RETRY_AFTER;
  let maxRetryAfterMs = typeof max === 'number' ? max : undefined;
  if (typeof max === 'string') {
    const parsed = outboundFields.KYC_MAX_RETRY_AFTER.safeParse(max);
    // Named, never echoed, like every configuration error.
    if (!parsed.success) throw new ConfigurationError('KYC_MAX_RETRY_AFTER: must be a duration such as 10m');
    maxRetryAfterMs = parsed.data;
  }
  return {
    insecureHosts: new Set((list ?? []).map(normalizeHost)),
    maxRetryAfterMs: maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    resolve: systemResolve,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
