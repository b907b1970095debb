import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { combineRanges, parse as parseRange } from 'range-parser';
import { AppError, notFound } from '../../core/errors.js';
import {
  isValidKey,
  PUBLIC_PREFIX,
  StorageNotFound,
  type BlobInfo,
  type BlobStorage,
} from '../../storage/blob-storage.js';
import { publishedOnly } from '../access.js';
import { isAlwaysPublicKey, PUBLISHED_SEGMENT, type MediaSigner } from '../media-urls.js';
import type { PublishedMediaCheck } from '../published-media.js';

function missingAsNotFound(error: unknown): never {
  throw error instanceof StorageNotFound ? notFound('File') : error;
}

/** If-Range: the range applies only if the client's validator still matches. */
function ifRangeMatches(req: Request, etag: string, info: BlobInfo): boolean {
  const ifRange = req.get('if-range');
  if (!ifRange) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === etag;
  const date = Date.parse(ifRange);
  return (
    Number.isFinite(date) && Math.floor(info.modifiedAt.getTime() / 1000) <= Math.floor(date / 1000)
  );
}

/** Published files: caches may keep them this long, so an unpublish reaches them within it. */
const PUBLISHED_MAX_AGE = 300;

/**
 * GET and HEAD for stored files, with single byte ranges (206/416) and
 * conditional requests, for whoever may fetch them (see ../media-urls.ts):
 * `/media/p/<publication key>/<key>` while the episode is published under that key,
 * `/media/<key>?expires&signature` for editors, `/media/<show artwork key>` for anyone.
 * Everything else is 404, the same answer whether the file exists or not.
 */
export function mediaRouter(deps: {
  storage: BlobStorage;
  signer: MediaSigner;
  published: PublishedMediaCheck;
}): Router {
  const router = Router();

  /** The storage key and how long caches may keep it, or null when the caller may not have it. */
  const authorise = async (req: Request): Promise<{ key: string; cacheControl: string } | null> => {
    const segments = (req.params as { key?: string[] }).key ?? [];
    if (segments[0] === PUBLISHED_SEGMENT && segments.length > 2) {
      const key = segments.slice(2).join('/');
      if (!isValidKey(key) || !(await deps.published.allows(key, segments[1]!))) return null;
      return { key, cacheControl: `public, max-age=${PUBLISHED_MAX_AGE}` };
    }
    const key = segments.join('/');
    if (!key.startsWith(PUBLIC_PREFIX) || !isValidKey(key)) return null;
    // Show artwork: the key changes with the file.
    if (isAlwaysPublicKey(key)) return { key, cacheControl: 'public, max-age=31536000, immutable' };
    const left = deps.signer.verify(key, req.query.expires, req.query.signature);
    return left === null ? null : { key, cacheControl: `private, max-age=${Math.min(left, 3600)}` };
  };

  const serve = async (req: Request, res: Response) => {
    const allowed = await authorise(req);
    if (!allowed) throw notFound('File');
    const { key } = allowed;
    const info = await deps.storage.head(key).catch(missingAsNotFound);

    const { etag } = info;
    res.set({
      'Accept-Ranges': 'bytes',
      'Content-Type': info.contentType,
      'Cache-Control': allowed.cacheControl,
      ETag: etag,
      'Last-Modified': info.modifiedAt.toUTCString(),
      // Players on other origins (the embed, third-party web players) read these files.
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges',
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }

    let range: { start: number; end: number } | undefined;
    const header = req.get('range');
    if (header && ifRangeMatches(req, etag, info)) {
      const parsed = parseRange(info.bytes, header);
      const ranges = parsed.type === 'bytes' ? combineRanges(parsed.ranges) : [];
      if (parsed.type === 'bytes' && ranges.length === 0 && (parsed.code & 2) !== 0) {
        res.set('Content-Range', `bytes */${info.bytes}`);
        throw new AppError(
          416,
          'range-not-satisfiable',
          'Range not satisfiable',
          `The file has ${info.bytes} bytes.`,
        );
      }
      // Malformed and multi-range requests get the whole file, as RFC 9110 allows.
      if (ranges.length === 1 && ranges[0]) range = { start: ranges[0].start, end: ranges[0].end };
    }

    if (range) {
      res.status(206);
      res.set('Content-Range', `bytes ${range.start}-${range.end}/${info.bytes}`);
      res.set('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.set('Content-Length', String(info.bytes));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // Removed since the HEAD (a republication): the same 404.
    const stream = await deps.storage.openRead(key, range).catch(missingAsNotFound);
    try {
      await pipeline(stream, res);
    } catch (error) {
      // A listener that stops or seeks closes the connection: not an error of ours.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    }
  };

  const access = publishedOnly('files of published episodes; the rest need a signed URL');
  router.get('/media/*key', access, serve);
  router.head('/media/*key', access, serve);
  return router;
}
