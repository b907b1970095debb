import { Router, type RequestHandler } from 'express';
import { notFound } from '../src/core/errors.js';
import { slugSchema } from '../src/core/schemas.js';
import { PUBLIC_ONLY, type FetchPolicy } from '../src/net/fetch-policy.js';
import { safeFetch, type FetchLimits } from '../src/net/safe-fetch.js';
import { pathParam } from '../src/http/middleware/validate.js';
import { checkFeed, FEED_CHECK_LIMITS, type FeedFetch } from '../src/feeds/check.js';
import type { FeedPublishingService } from '../src/services/feed-publishing.js';
import type { QualityService } from '../src/services/quality.js';
import type { ShowService } from '../src/services/shows.js';

/**
 * `GET /api/shows/:slug/feed-check`: the feed check on the feed as served now.
 * Artwork and enclosures are fetched through the SSRF-safe fetcher: public
 * addresses, plus this instance's own origin (its media are public anyway).
 */
export function feedCheckRouter(deps: {
  publisher: FeedPublishingService;
  /** The published episodes' quality findings join the problems, as warnings. */
  quality: Pick<QualityService, 'feedCheckProblems'>;
  shows: Pick<ShowService, 'getBySlug'>;
  requireEditor: RequestHandler;
  publicUrl: string;
  /** Who may be reached (default: public addresses only; the own origin is always added). */
  policy?: FetchPolicy;
  limits?: FetchLimits;
}): Router {
  const base = deps.policy ?? PUBLIC_ONLY;
  const policy: FetchPolicy = {
    ...base,
    trustedOrigins: [...(base.trustedOrigins ?? []), new URL(deps.publicUrl).origin],
  };
  const limits = deps.limits ?? FEED_CHECK_LIMITS;
  const fetcher: FeedFetch = (url, method) =>
    safeFetch(url, {
      policy,
      limits,
      method,
      userAgent: 'Antenne/1.0 (feed check)',
      accept: method === 'GET' ? 'image/jpeg,image/png;q=0.9,*/*;q=0.1' : '*/*',
    });
  const router = Router();
  router.get('/api/shows/:slug/feed-check', deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const render = await deps.publisher.get(slug);
    if (!render) throw notFound('Show', `No show has the slug "${slug}".`);
    const result = await checkFeed(render.body.toString('utf8'), { fetch: fetcher });
    const quality = await deps.quality.feedCheckProblems(await deps.shows.getBySlug(slug));
    res
      .set('Cache-Control', 'no-store')
      .json({ ...result, problems: [...result.problems, ...quality] });
  });
  return router;
}
