import type { Readable } from 'node:stream';

export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, inclusive (as in HTTP Range). */
  readonly end: number;
}

export interface BlobInfo {
  readonly bytes: number;
  readonly modifiedAt: Date;
}

/**
 * Where originals and renditions live. Keys are relative, ASCII, '/'-separated.
 * Keys under `public/` may be served to anyone; the rest (originals) never are.
 */
export interface BlobStorage {
  /** Moves a local file into storage under `key`, replacing what was there. */
  putFile(key: string, localPath: string): Promise<BlobInfo>;
  stat(key: string): Promise<BlobInfo | null>;
  openRead(key: string, range?: ByteRange): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Keys of the files directly under a folder key (not recursive); [] when there is none. */
  list(folder: string): Promise<string[]>;
  /** Runs `fn` with a local path to the object: the file itself on disk, a temp copy elsewhere. */
  withLocalFile<T>(key: string, fn: (localPath: string) => Promise<T>): Promise<T>;
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key) && !key.split('/').some((part) => part === '..' || part === '.');
}

export function assertValidKey(key: string): void {
  if (!isValidKey(key)) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
}

// Key builders live with the other naming rules in core.
export { PUBLIC_PREFIX, storageKeys } from '../core/storage-keys.js';
