import { Router, type Request, type RequestHandler, type Response } from 'express';
import { notFound } from '../src/core/errors.js';
import { slugSchema } from '../src/core/schemas.js';
import { pathParam } from '../src/http/middleware/validate.js';
import type { FeedPublishingService, ServedFeed } from '../src/services/feed-publishing.js';
import { sendFeed } from './serve.js';
import { publishedOnly } from '../src/http/access.js';

/**
 * GET/HEAD of a pre-rendered feed through Express: what the fast path (serve.ts)
 * declines, i.e. unknown feeds, answered with a 404 problem.
 */
export function feedsRouter(deps: { publisher: FeedPublishingService }): Router {
  const router = Router();

  const send = (req: Request, res: Response, render: ServedFeed) => sendFeed(req, res, render);

  const showFeed: RequestHandler = async (req, res) => {
    const slug = slugSchema.safeParse(req.params.slug);
    const render = slug.success ? await deps.publisher.get(slug.data) : null;
    if (!render) throw notFound('Feed', `No show has the slug "${String(req.params.slug)}".`);
    send(req, res, render);
  };
  const topicFeed: RequestHandler = async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const topic = slugSchema.safeParse(req.params.topic);
    const render = topic.success ? await deps.publisher.get(slug, topic.data) : null;
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
