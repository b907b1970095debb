/**
 * A rendered feed's bytes: compressed once at render time (gzip, br) and kept
 * in blob storage, shared by every process like the media, under a key named
 * by the ETag (a new render never overwrites the bytes being served).
 */
import { createHash } from 'node:crypto';
import { buffer as readAll } from 'node:stream/consumers';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { StoredRender } from '../db/repositories/feeds.repo.js';
import { StorageNotFound, type BlobStorage } from '../storage/blob-storage.js';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

export interface FeedEncodings {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
}

/** A render as served: its row and its bytes. */
export interface ServedFeed extends StoredRender, FeedEncodings {}

export const etagOf = (body: Buffer) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

export async function compressFeed(body: Buffer): Promise<{ gzip: Buffer; br: Buffer }> {
  // Feed XML is very repetitive; a feed is sent many times per render, so each byte saved is
  // worth some compression time, up to what a rebuild can wait for. On a 24 MB feed, gzip 1
  // takes a quarter of gzip 6's time; br 2 half of br 4's for 6 % more bytes (a third of
  // gzip's). A 2 MB feed (1,000 episodes) gets gzip 9: 9 % fewer bytes on every request.
  const level = body.length > 8_000_000 ? 'huge' : body.length > 1_000_000 ? 'big' : 'small';
  const [gz, br] = await Promise.all([
    gzip(body, { level: level === 'huge' ? 1 : 9 }),
    brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: { huge: 2, big: 5, small: 9 }[level],
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  ]);
  return { gzip: gz, br };
}

const SUFFIXES = { body: '.xml', gzip: '.xml.gz', br: '.xml.br' } as const;
const PARTS = Object.entries(SUFFIXES) as [keyof FeedEncodings, string][];

export class FeedBytesStore {
  constructor(private readonly storage: BlobStorage) {}

  async write(storageKey: string, bytes: FeedEncodings): Promise<void> {
    for (const [part, suffix] of PARTS) {
      await this.storage.putBytes(`${storageKey}${suffix}`, bytes[part]);
    }
  }

  async delete(storageKey: string): Promise<void> {
    for (const suffix of Object.values(SUFFIXES))
      await this.storage.delete(`${storageKey}${suffix}`);
  }

  /** The bytes of a stored render; null when another process replaced them since the row was read. */
  async read(render: StoredRender): Promise<ServedFeed | null> {
    try {
      const [body, gz, br] = await Promise.all(
        PARTS.map(async ([, suffix]) =>
          readAll(await this.storage.openRead(`${render.storageKey}${suffix}`)),
        ),
      );
      return { ...render, body: body!, gzip: gz!, br: br! };
    } catch (error) {
      if (error instanceof StorageNotFound) return null;
      throw error;
    }
  }
}
