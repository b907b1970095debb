import { Router, type RequestHandler } from 'express';
import { notFound } from '../src/core/errors.js';
import { slugSchema } from '../src/core/schemas.js';
import { pathParam } from '../src/http/middleware/validate.js';
import { checkFeed } from './check.js';
import type { FeedPublisher } from './publisher.js';

/** `GET /api/shows/:slug/feed-check`: the feed check on the feed as served now. */
export function feedCheckRouter(deps: {
  publisher: FeedPublisher;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();
  router.get('/api/shows/:slug/feed-check', deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const render = await deps.publisher.get(slug);
    if (!render) throw notFound('Show', `No show has the slug "${slug}".`);
    const result = await checkFeed(render.body.toString('utf8'), { fetch });
    res.set('Cache-Control', 'no-store').json(result);
  });
  return router;
}
