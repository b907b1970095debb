/**
 * Fetches an article page for the prefill, as safely as a server-side fetch of a
 * user-given URL can be: http(s) only, no private/loopback/link-local/unique-local
 * addresses (unless configured), the address checked at connect time (the `lookup`
 * hook runs for the very socket that connects, so DNS rebinding cannot slip a
 * private address in after the check), a deadline, a size cap and a few redirects,
 * each re-checked.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../src/core/errors.js';

export interface FetchPolicy {
  /** Host names or IP literals allowed even if they resolve to a private address. */
  readonly allowedHosts: readonly string[];
  /** Allow every private range (a newsroom intranet CMS, tests). */
  readonly allowPrivate: boolean;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly maxRedirects?: number;
}

export interface FetchedPage {
  readonly url: string;
  readonly html: string;
}

const refused = (detail: string) =>
  new AppError(422, 'prefill-refused', 'This address cannot be fetched', detail, [
    { field: 'url', message: detail },
  ]);
const unreachable = (detail: string) =>
  new AppError(502, 'prefill-unreachable', 'The article page could not be read', detail, [
    { field: 'url', message: detail },
  ]);

/** Only public unicast addresses; everything else (loopback, 169.254/16, fc00::/7…) is refused. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

function hostAllowed(host: string, policy: FetchPolicy): boolean {
  return policy.allowPrivate || policy.allowedHosts.includes(host.toLowerCase());
}

/** dns.lookup, then refuse the connection if any answer is not public. */
function guardedLookup(policy: FetchPolicy, host: string): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const bad = addresses.find((a) => !isPublicAddress(a.address));
      if (bad && !hostAllowed(host, policy)) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to ${bad.address}`), {
            code: 'EPREFILLPRIVATE',
          }),
          '',
          0,
        );
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

function checkUrl(raw: string, policy: FetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(`only http and https addresses can be fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) throw refused('addresses with credentials are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // IP literals never go through lookup: check them here.
  if (ipaddr.isValid(host) && !isPublicAddress(host) && !hostAllowed(host, policy)) {
    throw refused(`${host} is a private, loopback or link-local address`);
  }
  if (/^localhost\.?$/i.test(host) && !hostAllowed(host, policy)) {
    throw refused('localhost is not fetched');
  }
  return url;
}

function getOnce(
  url: URL,
  policy: FetchPolicy,
  deadline: number,
): Promise<{ status: number; location?: string; type: string; body: Buffer }> {
  const maxBytes = policy.maxBytes ?? 2 * 1024 * 1024;
  const client = url.protocol === 'https:' ? https : http;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(unreachable('the page took too long to answer'));
    const req = client.get(
      url,
      {
        lookup: guardedLookup(policy, host),
        timeout: remaining,
        headers: {
          'user-agent': 'AntenneStudio/1.0 (article prefill)',
          accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
          'accept-encoding': 'identity',
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const type = String(res.headers['content-type'] ?? '');
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          return resolve({ status, location: res.headers.location, type, body: Buffer.alloc(0) });
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
          res.destroy();
          return reject(unreachable(`the page is larger than ${maxBytes} bytes`));
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            res.destroy();
            reject(unreachable(`the page is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, type, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(unreachable(e.message)));
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('timeout')), remaining);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPREFILLPRIVATE') {
        reject(refused(`${url.hostname} resolves to a private, loopback or link-local address`));
      } else if (error.message === 'timeout') {
        reject(unreachable('the page took too long to answer'));
      } else if (error.code === 'ENOTFOUND') {
        reject(unreachable(`the host ${url.hostname} does not exist`));
      } else {
        reject(unreachable(`the connection failed (${error.code ?? error.message})`));
      }
    });
  });
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

export async function fetchArticlePage(raw: string, policy: FetchPolicy): Promise<FetchedPage> {
  const deadline = Date.now() + (policy.timeoutMs ?? 8000);
  const maxRedirects = policy.maxRedirects ?? 3;
  let url = checkUrl(raw, policy);
  for (let hop = 0; ; hop++) {
    const res = await getOnce(url, policy, deadline);
    if (res.location !== undefined) {
      if (hop >= maxRedirects) throw unreachable(`more than ${maxRedirects} redirects`);
      url = checkUrl(new URL(res.location, url).toString(), policy);
      continue;
    }
    if (res.status < 200 || res.status >= 300) {
      throw unreachable(`the page answered with HTTP status ${res.status}`);
    }
    if (res.type && !/html|xml/i.test(res.type)) {
      throw unreachable(`the address is not a web page (${res.type.split(';')[0]})`);
    }
    return { url: url.toString(), html: decode(res.body, res.type) };
  }
}
