/** Where a show's feed lives, and moving it (a new slug, or a feed on another host). */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { feedLocationSchema } from '../../core/feed-location.js';
import { slugSchema } from '../../core/schemas.js';
import type { FeedLocation, FeedMovesService } from '../../services/feed-moves.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import { resource, url } from '../representations/common.js';

const feedLocationJsonSchema = resource(
  'FeedLocation',
  z.object({
    slug: z.string(),
    feedUrl: url,
    newFeedUrl: url
      .nullable()
      .describe('The feed on another host, announced with itunes:new-feed-url; null: none'),
    previousSlugs: z.array(z.string()).describe('Former slugs: theirs while they redirect'),
    redirects: z
      .array(z.object({ from: url, to: url }))
      .describe('Each former feed URL, answering 301 to the current one'),
  }),
);

const theLocation = { 200: { description: 'Where the feed is', schema: feedLocationJsonSchema } };

export const FEED_LOCATION_OPERATIONS = {
  get: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/feed-location',
    tag: 'Shows',
    summary: 'Where the show’s feed is, where it was, and where it is announced to be going',
    access: 'editor',
    responses: theLocation,
    errors: [404],
  }),
  move: defineOperation({
    method: 'patch',
    path: '/api/shows/:slug/feed-location',
    tag: 'Shows',
    summary: 'Move the show’s feed: a new slug, or a feed URL on another host',
    description:
      'A new `slug` moves the feed within Antenne: the former feed URLs answer 301 to the new ones ' +
      'for good, and the feeds carry `itunes:new-feed-url` with their new URL. The former slug stays ' +
      'the show’s (another show asking for it gets 409); the show may take it back. `newFeedUrl` ' +
      'announces the feed on another host: the feed here keeps being served with ' +
      '`itunes:new-feed-url` naming it, for apps to move; `null` withdraws it. `podcast:guid` never changes.',
    access: 'editor',
    body: { schema: feedLocationSchema },
    responses: theLocation,
    errors: [404, 409],
  }),
};

const json = (location: FeedLocation): z.input<typeof feedLocationJsonSchema> => ({
  ...location,
  previousSlugs: [...location.previousSlugs],
  redirects: location.redirects.map((r) => ({ ...r })),
});

export function feedLocationRouter(deps: {
  feedMoves: FeedMovesService;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();
  const ops = FEED_LOCATION_OPERATIONS;

  route(router, ops.get, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    res.set('Cache-Control', 'no-store');
    reply(res, ops.get, 200, json(await deps.feedMoves.location(slug)));
  });

  route(router, ops.move, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const input = parseOr400(feedLocationSchema, req.body);
    const location = await deps.feedMoves.move(slug, input);
    res.location(`/api/shows/${location.slug}/feed-location`);
    reply(res, ops.move, 200, json(location));
  });

  return router;
}
