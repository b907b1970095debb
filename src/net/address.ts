/**
 * Which IP addresses a server-side fetch may connect to: public unicast only.
 * The ranges are ipaddr.js's (IANA special-purpose registries); what is ours is
 * the reading of IPv6 forms that carry an IPv4 address inside them, because the
 * packets they send end at that IPv4 address (IPv4-mapped sockets, NAT64, 6to4
 * and Teredo relays): such an address is public only if what it embeds is.
 */
import ipaddr from 'ipaddr.js';

/** IPv6 ranges whose address embeds IPv4 address(es) that the traffic ends up at. */
const EMBEDDING_RANGES = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo']);
/** Every IPv6 address handed out on the internet is in 2000::/3; the rest is reserved. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
/** RFC 8215 local-use NAT64: translated inside one network, never a public destination. */
const LOCAL_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT (shared) address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  deprecatedSiteLocal: 'a private (site-local) address',
  reserved: 'a reserved address',
  ipv4Mapped: 'an IPv4-mapped address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};
const rangeName = (range: string) => RANGE_NAMES[range] ?? `a special-purpose address (${range})`;

const ipv4 = (high: number, low: number) =>
  new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/** The IPv4 addresses an embedding IPv6 address leads to (RFC 4291, 6145, 6052, 3056, 4380). */
function embeddedIpv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4[] {
  const p = address.parts;
  switch (range) {
    case '6to4':
      return [ipv4(p[1]!, p[2]!)];
    case 'teredo':
      // The Teredo server, and the client's public address (stored inverted).
      return [ipv4(p[2]!, p[3]!), ipv4(~p[6]! & 0xffff, ~p[7]! & 0xffff)];
    default:
      return [ipv4(p[6]!, p[7]!)];
  }
}

/**
 * ipaddr.js reads "::a.b.c.d" as ::ffff:a.b.c.d (IPv4-mapped); the WHATWG URL
 * parser writes any dotted IPv6 form out in hexadecimal, exactly.
 */
function canonical(address: string): string {
  if (!address.includes(':') || !address.includes('.') || address.includes('%')) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}

/**
 * Why `address` is not a public unicast address, or null when it is one.
 * Anything that does not parse as an IP address is not public.
 */
export function nonPublicReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(canonical(address));
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    return range === 'unicast' ? null : rangeName(range);
  }
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  if (v6.match(LOCAL_NAT64)) return 'a local-use NAT64 address';
  if (EMBEDDING_RANGES.has(range)) {
    for (const inner of embeddedIpv4(v6, range)) {
      const reason = nonPublicReason(inner.toString());
      if (reason) return `${rangeName(range)} leading to ${inner.toString()}, ${reason}`;
    }
    return null;
  }
  if (range !== 'unicast') return rangeName(range);
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): no public host uses one.
  if (v6.parts.slice(0, 6).every((part) => part === 0)) {
    return 'an IPv4-compatible IPv6 address (deprecated, never public)';
  }
  if (!v6.match(GLOBAL_UNICAST)) return 'an unassigned IPv6 address';
  return null;
}

export const isPublicAddress = (address: string): boolean => nonPublicReason(address) === null;
