/**
 * Where a server-side fetch may go. A URL is checked before anything is sent
 * (scheme, credentials, IP literals, loopback names), and a host name is checked
 * again inside the DNS lookup of the very socket that connects: the addresses it
 * resolves to are judged there, so a name that changes its answer between a
 * check and the connection (DNS rebinding) cannot slip a private address in.
 */
import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { nonPublicReason } from './address.js';
import { refused } from './fetch-error.js';

export interface FetchPolicy {
  /** Every address may be reached (tests, or a newsroom fetching from its intranet). */
  readonly allowPrivate: boolean;
  /** Host names or IP literals that may be reached even when they are not public. */
  readonly allowedHosts: readonly string[];
  /**
   * Exact origins (scheme, host and port) that may be reached whatever their
   * address: this instance's own PUBLIC_URL, whose pages anyone may read anyway.
   */
  readonly trustedOrigins?: readonly string[];
}

/** Public addresses only, nothing allowed beyond them. */
export const PUBLIC_ONLY: FetchPolicy = { allowPrivate: false, allowedHosts: [] };

export interface CheckedTarget {
  readonly url: URL;
  /** Host name or IP literal, lower case, without IPv6 brackets. */
  readonly host: string;
  /** The policy lets this target reach non-public addresses. */
  readonly trusted: boolean;
}

const SUFFIX = '; only addresses on the public internet are fetched';

function isTrusted(url: URL, host: string, policy: FetchPolicy): boolean {
  if (policy.allowPrivate) return true;
  if (policy.allowedHosts.some((h) => h.replace(/^\[|\]$/g, '').toLowerCase() === host))
    return true;
  return (policy.trustedOrigins ?? []).some((origin) => {
    try {
      return new URL(origin).origin === url.origin;
    } catch {
      return false;
    }
  });
}

/** Parses and checks a URL; throws a `refused` SafeFetchError naming the reason. */
export function checkTarget(raw: string, policy: FetchPolicy): CheckedTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('it must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(`only http and https addresses are fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) throw refused('addresses with credentials are not fetched');
  // The URL parser has already turned 2130706433, 0x7f.1, 0177.0.0.1 or 127.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const trusted = isTrusted(url, host, policy);
  if (!trusted) {
    // IP literals never go through the lookup below: judge them here.
    const reason = net.isIP(host) ? nonPublicReason(host) : null;
    if (reason) throw refused(`${host} is ${reason}${SUFFIX}`);
    // RFC 6761: localhost and every *.localhost name are loopback, whatever DNS says.
    if (/(^|\.)localhost\.?$/.test(host)) throw refused(`${host} is a loopback name${SUFFIX}`);
  }
  return { url, host, trusted };
}

/** The error a refused lookup hands to the socket, recognised by `isRefusedLookup`. */
const REFUSED_LOOKUP = 'ESAFEFETCHREFUSED';

/**
 * dns.lookup for one target's socket: refuses the connection when any address
 * the name resolves to is not public (unless the target is trusted). The reason
 * does not say which address: an internal DNS answer is not the caller's business.
 */
export function guardedLookup(target: CheckedTarget): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (!target.trusted && addresses.some((a) => nonPublicReason(a.address) !== null)) {
        const refusal = Object.assign(
          new Error(`${target.host} resolves to a private or reserved address${SUFFIX}`),
          { code: REFUSED_LOOKUP },
        );
        return callback(refusal, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

export const isRefusedLookup = (error: NodeJS.ErrnoException) => error.code === REFUSED_LOOKUP;
