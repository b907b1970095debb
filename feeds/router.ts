import { Router, type Request, type RequestHandler, type Response } from 'express';
import { notFound } from '../src/core/errors.js';
import { slugSchema } from '../src/core/schemas.js';
import { pathParam } from '../src/http/middleware/validate.js';
import type { FeedPublishingService, ServedFeed } from '../src/services/feed-publishing.js';
import type { FeedMovesService } from '../src/services/feed-moves.js';
import { publicUrls } from '../src/core/urls.js';
import { sendFeed } from './serve.js';
import { publishedOnly } from '../src/http/access.js';

/**
 * GET/HEAD of a pre-rendered feed through Express: what the fast path (serve.ts)
 * declines, i.e. unknown feeds: a moved show's former feed URL answers 301 to
 * its feed now (docs/feed-moves.md), anything else a 404 problem.
 */
export function feedsRouter(deps: {
  publisher: FeedPublishingService;
  moves?: Pick<FeedMovesService, 'currentSlugOf'>;
  publicUrl?: string;
}): Router {
  const router = Router();
  const urls = deps.publicUrl ? publicUrls(deps.publicUrl) : null;

  const send = (req: Request, res: Response, render: ServedFeed) => sendFeed(req, res, render);

  /** true: answered with a permanent redirect to where the show's feed is now. */
  const redirected = async (res: Response, slug: string, topic?: string): Promise<boolean> => {
    const current = urls && (await deps.moves?.currentSlugOf(slug));
    if (!current) return false;
    // Apps update a subscription on a 301; CORS as on the feed, for web players.
    res.set('Access-Control-Allow-Origin', '*').redirect(301, urls.feed(current, topic));
    return true;
  };

  const showFeed: RequestHandler = async (req, res) => {
    const slug = slugSchema.safeParse(req.params.slug);
    const render = slug.success ? await deps.publisher.get(slug.data) : null;
    if (!render && slug.success && (await redirected(res, slug.data))) return;
    if (!render) throw notFound('Feed', `No show has the slug "${String(req.params.slug)}".`);
    send(req, res, render);
  };
  const topicFeed: RequestHandler = async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const topic = slugSchema.safeParse(req.params.topic);
    const render = topic.success ? await deps.publisher.get(slug, topic.data) : null;
    if (!render && topic.success && (await redirected(res, slug, topic.data))) return;
    if (!render)
      throw notFound('Feed', `The show "${slug}" has no topic feed "${String(req.params.topic)}".`);
    send(req, res, render);
  };

  const published = publishedOnly('feeds list published episodes only');
  router.get('/feeds/:slug.xml', published, showFeed);
  router.head('/feeds/:slug.xml', published, showFeed);
  router.get('/feeds/:slug/:topic.xml', published, topicFeed);
  router.head('/feeds/:slug/:topic.xml', published, topicFeed);
  return router;
}
