import { Router, type Request, type Response } from 'express';
import { notFound } from '../../core/errors.js';
import { COUNTING_PATH } from '../../core/urls.js';
import { isValidKey } from '../../storage/blob-storage.js';
import { publishedOnly } from '../access.js';
import type { DownloadCounter } from '../audience-counting.js';
import { PUBLISHED_SEGMENT, publishedMediaUrl, type MediaBase } from '../media-urls.js';
import type { PublishedMediaCheck } from '../published-media.js';

/**
 * The counting redirect in front of a CDN (MEDIA_PUBLIC_URL with AUDIENCE on):
 * feeds and the player point at `PUBLIC_URL/listen/p/<publication key>/<key>`;
 * a published file's GET is counted, then every request is sent (302) to the
 * same path on the CDN, which answers Range and HEAD itself. Podcast apps follow
 * the redirect on each request, so each Range request passes here once.
 * Unpublished files are 404 here as on /media.
 */
export function countingRedirectRouter(deps: {
  published: PublishedMediaCheck;
  count: DownloadCounter;
  /** Where files are fetched from: MEDIA_PUBLIC_URL. */
  target: MediaBase;
}): Router {
  const router = Router();
  const redirect = async (req: Request, res: Response) => {
    const segments = (req.params as { key?: string[] }).key ?? [];
    const [segment, publicationKey] = segments;
    const key = segments.slice(2).join('/');
    if (
      segment !== PUBLISHED_SEGMENT ||
      !publicationKey ||
      !isValidKey(key) ||
      !(await deps.published.allows(key, publicationKey))
    ) {
      res.set('Cache-Control', 'no-store');
      throw notFound('File');
    }
    deps.count(req, key);
    // Asked again each time: each request counts, and an unpublish stops redirects at once.
    res.set({ 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' });
    res.redirect(302, publishedMediaUrl(deps.target, publicationKey, key));
  };
  const access = publishedOnly('counts and redirects to files of published episodes only');
  router.get(`${COUNTING_PATH}/*key`, access, redirect);
  router.head(`${COUNTING_PATH}/*key`, access, redirect);
  return router;
}
