import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { normalizeHost } from '../../domain';
import type { ConnectOptions, OutboundPolicy } from './outbound-policy';

/** The `code` of a connection the policy refused, on the error and on the HTTP client's wrapper of it. */
export const DESTINATION_REFUSED = 'ERR_KYC_DESTINATION_REFUSED';

/** A connection the outbound policy does not allow. Names the host and why; never a path, query or credential. */
class DestinationRefusedError extends Error {
  readonly code = DESTINATION_REFUSED;

  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`refused to connect to ${host}: ${reason}`);
    this.name = 'DestinationRefusedError';
  }
}

/**
 * Why `address` is not a public unicast address, as ipaddr.js names its range (`loopback`, `private`,
 * `linkLocal`, `carrierGradeNat`, `uniqueLocal`, `unspecified`, `reserved`, `rfc6052`, ...), or undefined
 * when it is public. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries; anything
 * unparseable counts as not public.
 */
function nonPublicRange(address: string): string | undefined {
  try {
    const range = ipaddr.process(address).range();
    return range === 'unicast' ? undefined : range;
  } catch {
    return 'unparseable';
  }
}

/**
 * The addresses a connection to `host` may use: an IP literal as it is, a name as the policy's resolver
 * answers (one lookup). Unless the host is allowed, every address must be public: one private address among
 * public ones refuses the whole name, since the socket could pick any of them.
 */
async function checkedAddresses(host: string, policy: OutboundPolicy): Promise<LookupAddress[]> {
  const name = normalizeHost(host);
  const family = net.isIP(name);
  const addresses = family ? [{ address: name, family }] : await policy.resolve(name);
  if (addresses.length === 0) throw Object.assign(new Error(`${name} has no address`), { code: 'ENOTFOUND' });
  if (policy.insecureHosts.has(name)) return addresses;
  for (const { address } of addresses) {
    const range = nonPublicRange(address);
    if (range) {
      throw new DestinationRefusedError(
        name,
        `it is a ${range} address, not a public one (KYC_ALLOW_INSECURE_HOSTS can allow the host)`,
      );
    }
  }
  return addresses;
}

/**
 * A `lookup` that answers with `addresses` and never asks DNS: the socket connects to the very addresses that
 * were checked, so a second answer for the same name (DNS rebinding) never comes into play.
 */
function pinnedLookup(addresses: LookupAddress[]): net.LookupFunction {
  return (_hostname, options, callback) => {
    const first = addresses[0]!;
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  };
}

type CreateConnection = (
  options: http.ClientRequestArgs,
  callback?: (err: Error | null, stream: Duplex) => void,
) => Duplex | null | undefined;

/**
 * Replaces an agent's `createConnection` with one that checks the destination first and opens the socket
 * with the pinned lookup; `secure` false means plain http, allowed only for the listed hosts.
 */
function guard(agent: http.Agent, policy: OutboundPolicy, secure: boolean, dial: CreateConnection): void {
  agent.createConnection = (options, callback) => {
    const host = options.host ?? options.hostname ?? 'localhost';
    const done = callback ?? (() => undefined);
    const refuse = (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), null!);
    if (!secure && !policy.insecureHosts.has(normalizeHost(host))) {
      refuse(
        new DestinationRefusedError(
          normalizeHost(host),
          'plain http is refused (https only; KYC_ALLOW_INSECURE_HOSTS can allow the host)',
        ),
      );
      return undefined;
    }
    checkedAddresses(host, policy).then((addresses) => {
      const pinned = { ...options, lookup: pinnedLookup(addresses) } as ConnectOptions;
      let socket: Duplex;
      try {
        socket = policy.connect ? policy.connect(pinned) : (dial(pinned) as Duplex);
      } catch (error) {
        return refuse(error);
      }
      done(null, socket);
    }, refuse);
    return undefined;
  };
}

/**
 * The http and https agents of one client, each connecting only where `policy` allows. Keep-alive: a pooled
 * socket was checked when it was opened, and the pool is keyed by host and port.
 */
export function guardedAgents(policy: OutboundPolicy): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const httpDial: CreateConnection = httpAgent.createConnection.bind(httpAgent);
  const httpsDial: CreateConnection = httpsAgent.createConnection.bind(httpsAgent);
  guard(httpAgent, policy, false, httpDial);
  guard(httpsAgent, policy, true, httpsDial);
  return { httpAgent, httpsAgent };
}

/**
 * Why a configured URL can never be reached under `policy`, found without a lookup (plain http, or an IP
 * literal that is not public, for a host not allowed), or undefined. Lets a process refuse to start on such a
 * configuration instead of failing every call; names that resolve somewhere private are caught per call.
 */
export function urlRefusal(url: string, policy: OutboundPolicy): string | undefined {
  const { protocol, hostname } = new URL(url);
  const host = normalizeHost(hostname);
  if (policy.insecureHosts.has(host)) return undefined;
  if (protocol !== 'https:') return `${protocol.replace(':', '')} to ${host} is refused: https only`;
  const range = net.isIP(host) ? nonPublicRange(host) : undefined;
  return range ? `${host} is a ${range} address, not a public one` : undefined;
}
