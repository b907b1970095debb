/**
 * Serving a pre-rendered feed with node:http only (no Express on the hot path:
 * it costs most of the time for a feed served from memory): negotiated br/gzip,
 * ETag per representation, Last-Modified, 304, Cache-Control, HEAD.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FeedPublisher, ServedFeed } from './publisher.js';

export type Encoding = 'br' | 'gzip' | 'identity';

/** The encoding to send: the client's highest q among br, gzip (br first on a tie), else identity. */
export function pickEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  // What podcast apps and browsers send, without q-values: no parsing needed.
  if (!header.includes('q=') && !header.includes('*')) {
    return /\bbr\b/.test(header) ? 'br' : /\bgzip\b/.test(header) ? 'gzip' : 'identity';
  }
  let best: Encoding = 'identity';
  let bestQ = 0;
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.trim().split(';');
    const name = rawName?.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!(q > 0)) continue;
    const candidates: Encoding[] =
      name === '*' ? ['br', 'gzip'] : name === 'br' || name === 'gzip' ? [name] : [];
    for (const c of candidates) {
      if (q > bestQ || (q === bestQ && c === 'br' && best === 'gzip')) {
        best = c;
        bestQ = q;
      }
    }
  }
  return best;
}

/** One ETag per representation (RFC 9110 §8.8.3): compressed bytes are other bytes. */
export const variantTag = (etag: string, encoding: Encoding) =>
  encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`;

function notModified(req: IncomingMessage, render: ServedFeed): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    const base = `"${render.etag.slice(1, -1)}`;
    // Weak comparison: any representation of the current bytes is fresh.
    return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '').startsWith(base));
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(render.lastModified.getTime() / 1000) * 1000 <= since;
}

interface Prepared {
  readonly body: Buffer;
  /** Headers of a 304 (no Content-Length) and of a 200, built once per render, as flat arrays (cheapest for node:http). */
  readonly notModified: string[];
  readonly ok: string[];
}

const flat = (headers: OutgoingHttpHeaders): string[] =>
  Object.entries(headers).flatMap(([k, v]) => [k, String(v)]);

const prepared = new WeakMap<ServedFeed, Record<Encoding, Prepared>>();

function prepare(render: ServedFeed, encoding: Encoding): Prepared {
  let byEncoding = prepared.get(render);
  if (!byEncoding) {
    const make = (e: Encoding): Prepared => {
      const body = e === 'br' ? render.br : e === 'gzip' ? render.gzip : render.body;
      const headers: OutgoingHttpHeaders = {
        'Content-Type': 'application/rss+xml; charset=utf-8',
        // Short: a scheduled episode shows up within a minute even through caches.
        'Cache-Control': 'public, max-age=60, stale-while-revalidate=60',
        ETag: variantTag(render.etag, e),
        'Last-Modified': render.lastModified.toUTCString(),
        Vary: 'Accept-Encoding',
        'Access-Control-Allow-Origin': '*',
        ...(e === 'identity' ? {} : { 'Content-Encoding': e }),
      };
      return {
        body,
        notModified: flat(headers),
        ok: flat({ ...headers, 'Content-Length': body.length }),
      };
    };
    byEncoding = { identity: make('identity'), gzip: make('gzip'), br: make('br') };
    prepared.set(render, byEncoding);
  }
  return byEncoding[encoding];
}

export function sendFeed(req: IncomingMessage, res: ServerResponse, render: ServedFeed): void {
  const p = prepare(render, pickEncoding(req.headers['accept-encoding']));
  if (notModified(req, render)) {
    res.writeHead(304, p.notModified);
    res.end();
    return;
  }
  res.writeHead(200, p.ok);
  res.end(req.method === 'HEAD' ? undefined : p.body);
}

const FEED_PATH = /^\/feeds\/([a-z0-9-]{1,64})(?:\/([a-z0-9-]{1,64}))?\.xml$/;

/**
 * The hot path, in front of Express: answers GET/HEAD of a feed it has, and
 * returns false for anything else (Express then answers, e.g. a 404 problem).
 */
export function feedFastPath(publisher: FeedPublisher) {
  /** true: answered now; a promise: answered later (true) or not ours (false); false: not ours. */
  return (req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    if (!url.startsWith('/feeds/')) return false;
    const match = FEED_PATH.exec(url.split('?', 1)[0]!);
    if (!match) return false;
    const fresh = publisher.peek(match[1]!, match[2]);
    if (fresh) {
      sendFeed(req, res, fresh);
      return true;
    }
    return publisher.get(match[1]!, match[2]).then((render) => {
      if (!render) return false;
      sendFeed(req, res, render);
      return true;
    });
  };
}
