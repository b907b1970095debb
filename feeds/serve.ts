/**
 * Serving a pre-rendered feed with node:http only (no Express on the hot path:
 * it costs most of the time for a feed served from memory): negotiated br/gzip
 * (`negotiator`), ETag per representation, Last-Modified, 304 (`fresh`: both
 * are what Express itself uses), Cache-Control, HEAD.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import fresh from 'fresh';
import Negotiator from 'negotiator';
import type { FeedPublishingService, ServedFeed } from '../src/services/feed-publishing.js';

export type Encoding = 'br' | 'gzip' | 'identity';

const ENCODINGS: readonly Encoding[] = ['br', 'gzip', 'identity'];

/** Podcast apps send a handful of distinct headers: negotiated once each. */
const negotiated = new Map<string, Encoding>();

/** The encoding to send: the client's highest q among br, gzip (br first on a tie), else identity. */
export function pickEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  let encoding = negotiated.get(header);
  if (!encoding) {
    const chosen = new Negotiator({ headers: { 'accept-encoding': header } }).encoding(ENCODINGS, {
      preferred: ENCODINGS,
    });
    encoding = (chosen as Encoding | undefined) ?? 'identity';
    if (negotiated.size < 256) negotiated.set(header, encoding);
  }
  return encoding;
}

/** One ETag per representation (RFC 9110 §8.8.3): compressed bytes are other bytes. */
export const variantTag = (etag: string, encoding: Encoding) =>
  encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`;

interface Prepared {
  readonly body: Buffer;
  /** What `fresh` compares the conditional headers with. */
  readonly validators: { etag: string; 'last-modified': string };
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
        validators: {
          etag: String(headers.ETag),
          'last-modified': String(headers['Last-Modified']),
        },
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
  if (fresh(req.headers, p.validators)) {
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
export function feedFastPath(publisher: FeedPublishingService) {
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
