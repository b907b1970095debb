import { Router, type Request, type RequestHandler, type Response } from 'express';
import { notFound } from '../src/core/errors.js';
import { slugSchema } from '../src/core/schemas.js';
import type { StoredRender } from '../src/db/repositories/feeds.repo.js';
import { parseOr400 } from '../src/http/middleware/validate.js';
import type { FeedPublisher } from './publisher.js';

type Encoding = 'br' | 'gzip' | 'identity';

/** One ETag per representation (RFC 9110 §8.8.3): compressed bytes are other bytes. */
const variantTag = (etag: string, encoding: Encoding) =>
  encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`;

function notModified(req: Request, render: StoredRender): boolean {
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    const base = render.etag.slice(1, -1);
    // Weak comparison: any representation of the current bytes is fresh.
    return tags.some((t) => t.startsWith(`"${base}`));
  }
  const since = Date.parse(req.get('if-modified-since') ?? '');
  return Number.isFinite(since) && Math.floor(render.lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * GET/HEAD of a pre-rendered feed: stored bytes, negotiated gzip/br, ETag,
 * Last-Modified, 304, Cache-Control. Nothing is rendered per request.
 */
export function feedsRouter(deps: { publisher: FeedPublisher }): Router {
  const router = Router();

  const send = (req: Request, res: Response, render: StoredRender) => {
    const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
    const encoding: Encoding = accepted === 'br' || accepted === 'gzip' ? accepted : 'identity';
    const body = encoding === 'br' ? render.br : encoding === 'gzip' ? render.gzip : render.body;
    res.set({
      'Content-Type': 'application/rss+xml; charset=utf-8',
      // Short: a scheduled episode shows up within a minute even through caches.
      'Cache-Control': 'public, max-age=60, stale-while-revalidate=60',
      ETag: variantTag(render.etag, encoding),
      'Last-Modified': render.lastModified.toUTCString(),
      Vary: 'Accept-Encoding',
      'Access-Control-Allow-Origin': '*',
    });
    if (encoding !== 'identity') res.set('Content-Encoding', encoding);
    if (notModified(req, render)) {
      res.status(304).end();
      return;
    }
    res.set('Content-Length', String(body.length));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.end(body);
  };

  const showFeed: RequestHandler = async (req, res) => {
    const slug = slugSchema.safeParse(req.params.slug);
    const render = slug.success ? await deps.publisher.get(slug.data) : null;
    if (!render) throw notFound('Feed', `No show has the slug "${String(req.params.slug)}".`);
    send(req, res, render);
  };
  const topicFeed: RequestHandler = async (req, res) => {
    const slug = parseOr400(slugSchema, req.params.slug);
    const topic = slugSchema.safeParse(req.params.topic);
    const render = topic.success ? await deps.publisher.get(slug, topic.data) : null;
    if (!render)
      throw notFound('Feed', `The show "${slug}" has no topic feed "${String(req.params.topic)}".`);
    send(req, res, render);
  };

  router.get('/feeds/:slug.xml', showFeed);
  router.head('/feeds/:slug.xml', showFeed);
  router.get('/feeds/:slug/:topic.xml', topicFeed);
  router.head('/feeds/:slug/:topic.xml', topicFeed);
  return router;
}
