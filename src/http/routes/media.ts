import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { lookup as mimeLookup } from 'mime-types';
import { combineRanges, parse as parseRange } from 'range-parser';
import { AppError, notFound } from '../../core/errors.js';
import {
  isValidKey,
  PUBLIC_PREFIX,
  type BlobInfo,
  type BlobStorage,
} from '../../storage/blob-storage.js';
import { publishedOnly } from '../access.js';

/** Apple lists `audio/x-m4a` for M4A enclosures; mime-types would say audio/mp4. */
const TYPE_OVERRIDES: Record<string, string> = {
  m4a: 'audio/x-m4a',
  // podcast:transcript types, as the namespace lists them.
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/srt; charset=utf-8',
};

export function contentTypeFor(key: string): string {
  // podcast:chapters files: the namespace's own type.
  if (key.endsWith('.chapters.json')) return 'application/json+chapters; charset=utf-8';
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return TYPE_OVERRIDES[ext] ?? (mimeLookup(key) || 'application/octet-stream');
}

function etagOf(info: BlobInfo): string {
  return `"${info.bytes.toString(16)}-${Math.floor(info.modifiedAt.getTime() / 1000).toString(16)}"`;
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

/**
 * GET and HEAD for stored public files, with single byte ranges (206/416),
 * conditional requests and immutable caching: a changed file gets a new key.
 */
export function mediaRouter(deps: { storage: BlobStorage }): Router {
  const router = Router();

  const serve = async (req: Request, res: Response) => {
    const segments = (req.params as { key?: string[] }).key ?? [];
    const key = segments.join('/');
    if (!key.startsWith(PUBLIC_PREFIX) || !isValidKey(key)) throw notFound('File');
    const info = await deps.storage.stat(key);
    if (!info) throw notFound('File');

    const etag = etagOf(info);
    res.set({
      'Accept-Ranges': 'bytes',
      'Content-Type': contentTypeFor(key),
      'Cache-Control': 'public, max-age=31536000, immutable',
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
    const stream = await deps.storage.openRead(key, range);
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
