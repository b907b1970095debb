/**
 * Who sends a stored file once /media has allowed it (see docs/scaling.md,
 * "Media delivery"): this process from the storage, nginx in front
 * (X-Accel-Redirect, local disk), or the bucket through a presigned URL.
 */
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { combineRanges, parse as parseRange } from 'range-parser';
import type { Config } from '../core/config.js';
import { AppError, notFound } from '../core/errors.js';
import { StorageNotFound, type BlobInfo, type BlobStorage } from '../storage/blob-storage.js';
import { contentTypeFor } from '../storage/content-type.js';
import { createPresignedReads, type PresignedReads } from '../storage/presigned-urls.js';
import {
  codedEtag,
  codingFor,
  CompressedBodies,
  isCompressibleType,
  type ContentCoding,
} from './media-compression.js';

/** A file the caller may have, and for how long. */
export interface AllowedFile {
  readonly key: string;
  /** What caches (browser, CDN) are told. */
  readonly cacheControl: string;
  /** Unix seconds after which the caller's permission ends (signed URLs); null: while it holds. */
  readonly expiresAt: number | null;
}

export type MediaSender = (req: Request, res: Response, file: AllowedFile) => Promise<void>;

/** Players on other origins (the embed, third-party web players) read these files. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges',
};

/** A redirect to the bucket stays valid this long for published files and artwork. */
const PRESIGNED_SECONDS = 600;

/** The sender the configuration asks for. */
export function mediaSender(
  config: Pick<Config, 'storage' | 'media'>,
  storage: BlobStorage,
): MediaSender {
  const delivery = config.media.delivery;
  const streamed = streamFromStorage(storage);
  if (delivery.kind === 'accel-redirect') {
    return textStreamedElse(streamed, accelRedirect(delivery.prefix));
  }
  if (delivery.kind === 'storage-redirect') {
    if (config.storage.kind !== 's3') throw new Error('MEDIA_REDIRECT=storage needs S3 storage');
    const presigned = createPresignedReads(config.storage, delivery.publicEndpoint);
    return textStreamedElse(streamed, redirectToStorage(presigned));
  }
  return streamed;
}

/**
 * Text media (peaks, chapters, transcripts: small, and read by every player)
 * are sent by this process, compressed, whatever the delivery: the bucket
 * stores them as they are and nginx has no brotli, and a redirect would cost
 * the player a round trip for a few kilobytes. Audio and images go to `other`.
 */
export function textStreamedElse(streamed: MediaSender, other: MediaSender): MediaSender {
  return (req, res, file) =>
    (isCompressibleType(contentTypeFor(file.key)) ? streamed : other)(req, res, file);
}

/**
 * nginx sends the bytes (sendfile, Range, HEAD, conditional requests) from its
 * `internal` location `prefix`, which maps keys to the local storage's root; it
 * keeps this answer's Content-Type and Cache-Control and adds the CORS headers.
 */
export function accelRedirect(prefix: string): MediaSender {
  return (_req, res, file) => {
    res.status(200).set({
      'X-Accel-Redirect': prefix + file.key.split('/').map(encodeURIComponent).join('/'),
      'Content-Type': contentTypeFor(file.key),
      'Cache-Control': file.cacheControl,
    });
    res.end();
    return Promise.resolve();
  };
}

/**
 * 302 to a short-lived presigned URL of the object: the client sends its Range,
 * HEAD and conditional requests to the bucket, which answers them. Every play
 * passes through this redirect once, which is where it can be counted.
 */
export function redirectToStorage(
  presigned: PresignedReads,
  now: () => number = Date.now,
): MediaSender {
  return async (_req, res, file) => {
    const seconds = Math.floor(now() / 1000);
    // Rounded up, so that the URL stays the same for a minute (caches keep one copy).
    const until = file.expiresAt ?? seconds - (seconds % 60) + 60 + PRESIGNED_SECONDS;
    const url = await presigned.url(file.key, { until, cacheControl: file.cacheControl });
    // Each redirect is asked again: the URL expires, and an unpublish must stop new ones at once.
    res.set({ 'Cache-Control': 'no-store', ...CORS_HEADERS });
    res.redirect(302, url);
  };
}

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

async function readWhole(storage: BlobStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.openRead(key).catch(missingAsNotFound)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A whole text file in `coding`: its own ETag and Content-Length, no ranges (see media-compression.ts). */
async function sendCompressed(
  req: Request,
  res: Response,
  file: AllowedFile,
  info: BlobInfo,
  coding: ContentCoding,
  compressedBody: () => Promise<Buffer>,
): Promise<void> {
  res.set({
    'Content-Type': info.contentType,
    'Content-Encoding': coding,
    'Cache-Control': file.cacheControl,
    ETag: codedEtag(info.etag, coding),
    'Last-Modified': info.modifiedAt.toUTCString(),
    ...CORS_HEADERS,
  });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const body = await compressedBody();
  res.status(200).set('Content-Length', String(body.length));
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * This process reads the storage and sends the bytes: single ranges (206/416),
 * conditional requests; text files whole and compressed when the client takes
 * br or gzip (compressed bodies kept in `compressed`).
 */
export function streamFromStorage(
  storage: BlobStorage,
  compressed = new CompressedBodies(),
): MediaSender {
  return async (req, res, file) => {
    const info = await storage.head(file.key).catch(missingAsNotFound);
    // Caches keep one answer per Accept-Encoding for what may be compressed.
    if (isCompressibleType(info.contentType)) res.vary('Accept-Encoding');
    const coding = codingFor(req, info);
    if (coding) {
      await sendCompressed(req, res, file, info, coding, () =>
        compressed.get({ key: file.key, etag: info.etag }, coding, () =>
          readWhole(storage, file.key),
        ),
      );
      return;
    }
    const { etag } = info;
    res.set({
      'Accept-Ranges': 'bytes',
      'Content-Type': info.contentType,
      'Cache-Control': file.cacheControl,
      ETag: etag,
      'Last-Modified': info.modifiedAt.toUTCString(),
      ...CORS_HEADERS,
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
    const stream = await storage.openRead(file.key, range).catch(missingAsNotFound);
    try {
      await pipeline(stream, res);
    } catch (error) {
      // A listener that stops or seeks closes the connection: not an error of ours.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    }
  };
}
