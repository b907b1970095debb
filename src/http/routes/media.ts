import { Router, type Request, type Response } from 'express';
import { notFound } from '../../core/errors.js';
import { isValidKey, PUBLIC_PREFIX } from '../../storage/blob-storage.js';
import { publishedOnly } from '../access.js';
import type { DownloadCounter } from '../audience-counting.js';
import type { AllowedFile, MediaSender } from '../media-delivery.js';
import { isAlwaysPublicKey, PUBLISHED_SEGMENT, type MediaSigner } from '../media-urls.js';
import type { PublishedMediaCheck } from '../published-media.js';

/** Published files: caches may keep them this long, so an unpublish reaches them within it. */
const PUBLISHED_MAX_AGE = 300;

/**
 * GET and HEAD for stored files, for whoever may fetch them (see ../media-urls.ts):
 * `/media/p/<publication key>/<key>` while the episode is published under that key,
 * `/media/<key>?expires&signature` for editors, `/media/<show artwork key>` for anyone.
 * Everything else is 404, the same answer whether the file exists or not, and
 * never cached (a CDN in front must ask again once the file is published).
 * `send` delivers what is allowed (../media-delivery.ts): streamed from the
 * storage, handed to nginx, or redirected to the bucket. GETs of published files
 * are counted (`count`, audience figures) whichever sends them, without waiting.
 */
export function mediaRouter(deps: {
  signer: MediaSigner;
  published: PublishedMediaCheck;
  send: MediaSender;
  /** Counts published downloads (absent: audience off, or counted at the redirect before a CDN). */
  count?: DownloadCounter | undefined;
}): Router {
  const router = Router();

  /** The storage key and how long caches may keep it, or null when the caller may not have it. */
  const authorise = async (req: Request): Promise<AllowedFile | null> => {
    const segments = (req.params as { key?: string[] }).key ?? [];
    if (segments[0] === PUBLISHED_SEGMENT && segments.length > 2) {
      const key = segments.slice(2).join('/');
      if (!isValidKey(key) || !(await deps.published.allows(key, segments[1]!))) return null;
      return { key, cacheControl: `public, max-age=${PUBLISHED_MAX_AGE}`, expiresAt: null };
    }
    const key = segments.join('/');
    if (!key.startsWith(PUBLIC_PREFIX) || !isValidKey(key)) return null;
    // Show artwork: the key changes with the file.
    if (isAlwaysPublicKey(key)) {
      return { key, cacheControl: 'public, max-age=31536000, immutable', expiresAt: null };
    }
    const left = deps.signer.verify(key, req.query.expires, req.query.signature);
    if (left === null) return null;
    return {
      key,
      cacheControl: `private, max-age=${Math.min(left, 3600)}`,
      expiresAt: Number(req.query.expires),
    };
  };

  const serve = async (req: Request, res: Response) => {
    try {
      const allowed = await authorise(req);
      if (!allowed) throw notFound('File');
      // Only publication-keyed URLs: editors' signed URLs and artwork are no downloads.
      const published = (req.params as { key?: string[] }).key?.[0] === PUBLISHED_SEGMENT;
      if (published) deps.count?.(req, allowed.key);
      await deps.send(req, res, allowed);
    } catch (error) {
      // Refusals (404, 416) and failures: no cache may keep them.
      if (!res.headersSent) res.set('Cache-Control', 'no-store');
      throw error;
    }
  };

  const access = publishedOnly('files of published episodes; the rest need a signed URL');
  router.get('/media/*key', access, serve);
  router.head('/media/*key', access, serve);
  return router;
}
