import ipaddr from 'ipaddr.js';

/** The one name counted as loopback: resolvers answer it with a loopback address (RFC 6761, section 6.3). */
const LOCALHOST = 'localhost';

/**
 * `::a.b.c.d`, the deprecated IPv4-compatible form: it is the IPv6 address `::a.b:c.d`, which the kernel does
 * not deliver to loopback, but ipaddr.js reads it as the IPv4-mapped `::ffff:a.b.c.d`.
 */
const IPV4_COMPATIBLE = /^::[^:]*\./;

/** A host as URLs and allow-lists spell it: lower case, IPv6 without brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/**
 * True when `address` is an IP literal of this machine's loopback interface, as a socket reports its peer:
 * 127.0.0.0/8, `::1` in any spelling, or 127.0.0.0/8 mapped into IPv6 (`::ffff:127.0.0.1`). A bare IPv4 address
 * counts only in dotted decimal, since shorthands (`127.1`, `0x7f.1`, `2130706433`) are read differently by
 * different parsers. A name, even `localhost`, is not an address: nothing is ever looked up.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address || IPV4_COMPATIBLE.test(address)) return false;
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}

/**
 * True when `host`, a URL's host name or an address to listen on, is a loopback address (IPv6 in brackets or
 * not) or the name `localhost`, in any case and with or without its trailing dot. Judged as written, never
 * looked up: a name that resolves to 127.0.0.1 (`localhost.evil.example`, a DNS-rebinding page's) is not.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = normalizeHost(host);
  return bare === LOCALHOST || isLoopbackAddress(bare);
}
