import type { Readable } from 'node:stream';

/** Bytes `start` to `end` inclusive, as in HTTP Range; without `end`, to the last byte. */
export interface ByteRange {
  readonly start: number;
  readonly end?: number | undefined;
}

export interface BlobInfo {
  readonly bytes: number;
  /** From the key's extension (see content-type.ts), as stored with the object. */
  readonly contentType: string;
  /** A strong validator, quoted as HTTP sends it: it changes whenever the bytes do. */
  readonly etag: string;
  readonly modifiedAt: Date;
}

/** Nothing is stored under the key. Adapters turn their own "not found" (ENOENT, 404) into this. */
export class StorageNotFound extends Error {
  constructor(readonly key: string) {
    super(`Nothing is stored under ${JSON.stringify(key)}`);
    this.name = 'StorageNotFound';
  }
}

/**
 * Where originals, renditions, peaks and feeds live: local disk or an S3 bucket.
 * Keys are '/'-separated, relative; keys under `public/` may be served to anyone,
 * the rest (originals, feeds) never are. A write replaces the object whole: a
 * reader sees the old bytes or the new ones, never part of them. Every call may
 * reject with StorageNotFound where it says so, or with the adapter's own error.
 */
export interface BlobStorage {
  /** Stores a local file under `key`; the local file is consumed (moved, or uploaded then removed). */
  putFile(key: string, localPath: string): Promise<BlobInfo>;
  /** Stores what the stream yields (uploaded in parts when big); nothing is stored if it fails. */
  putStream(key: string, body: Readable): Promise<BlobInfo>;
  /** Stores small bytes (a string as UTF-8). */
  putBytes(key: string, bytes: Uint8Array | string): Promise<BlobInfo>;
  /** Size, type and validators. Rejects with StorageNotFound. */
  head(key: string): Promise<BlobInfo>;
  exists(key: string): Promise<boolean>;
  /** The bytes, or one range of them (the range must lie within the object). Rejects with StorageNotFound. */
  openRead(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the object; removing what is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Every key under the folder `folder/`, at any depth, sorted; [] when there is none. */
  list(folder: string): Promise<string[]>;
  /**
   * Runs `fn` with a local file holding the object's bytes (ffmpeg reads files), to
   * read only: on local disk the stored file itself, elsewhere a temp copy that is
   * removed afterwards, whatever happens. Rejects with StorageNotFound.
   */
  withLocalCopy<T>(key: string, fn: (localPath: string) => Promise<T>): Promise<T>;
}

/** `exists` for any adapter: whether `head` finds the key; errors other than StorageNotFound reject. */
export async function existsByHead(
  storage: Pick<BlobStorage, 'head'>,
  key: string,
): Promise<boolean> {
  try {
    await storage.head(key);
    return true;
  } catch (error) {
    if (error instanceof StorageNotFound) return false;
    throw error;
  }
}

/**
 * What the adapters accept as a key: relative '/'-separated names, none empty or
 * starting with '.' (no traversal, no hidden entries), no control characters or
 * backslashes, at most 1024 UTF-8 bytes (S3's limit). Accents and spaces are fine
 * here; the keys Antenne makes and serves follow the stricter isValidKey below.
 */
export function assertStorableKey(key: string): void {
  const ok =
    key.length > 0 &&
    Buffer.byteLength(key) <= 1024 &&
    key.split('/').every((part) => part.length > 0 && !part.startsWith('.')) &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f\\]/.test(key);
  if (!ok) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
}

/** The keys Antenne makes, and the only ones /media serves: ASCII names. */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key) && !key.split('/').some((part) => part === '..' || part === '.');
}

// Key builders live with the other naming rules in core.
export { PUBLIC_PREFIX, storageKeys } from '../core/storage-keys.js';
