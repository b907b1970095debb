import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertStorableKey,
  existsByHead,
  StorageNotFound,
  type BlobInfo,
  type BlobStorage,
  type ByteRange,
} from './blob-storage.js';
import { contentTypeFor } from './content-type.js';

/** Bytes per read: a player's typical 1 MiB range in one read and one write to the socket. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Half-written files older than this were left by a stopped process. */
const STAGING_MAX_AGE_MS = 3600_000;

const isMissing = (error: unknown) =>
  ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * The default adapter: files under one root folder. Every write goes to a
 * staging file on the same file system and is renamed into place, so readers
 * see the old file or the new one. Staging lives in `.staging` under the root,
 * a name no key can take.
 */
export class LocalDiskStorage implements BlobStorage {
  private readonly staging: string;
  private stagingReady: Promise<void> | undefined;

  constructor(private readonly root: string) {
    this.staging = path.join(root, '.staging');
  }

  private pathOf(key: string): string {
    assertStorableKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async putFile(key: string, localPath: string): Promise<BlobInfo> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.rename(localPath, target);
    } catch (error) {
      // Another file system (e.g. a tmp dir elsewhere): copy to staging, then rename.
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await this.writeVia(target, (staged) => fs.copyFile(localPath, staged));
      await fs.rm(localPath, { force: true });
    }
    return this.head(key);
  }

  async putStream(key: string, body: Readable): Promise<BlobInfo> {
    await this.writeVia(this.pathOf(key), (staged) => pipeline(body, createWriteStream(staged)));
    return this.head(key);
  }

  async putBytes(key: string, bytes: Uint8Array | string): Promise<BlobInfo> {
    await this.writeVia(this.pathOf(key), (staged) => fs.writeFile(staged, bytes));
    return this.head(key);
  }

  async head(key: string): Promise<BlobInfo> {
    let stats: Stats;
    try {
      stats = await fs.stat(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) throw new StorageNotFound(key);
      throw error;
    }
    if (!stats.isFile()) throw new StorageNotFound(key);
    return {
      bytes: stats.size,
      contentType: contentTypeFor(key),
      // Every write renames a new file into place: a new inode, whatever the size and time.
      etag: `"${[stats.size, Math.floor(stats.mtimeMs), stats.ino].map((n) => n.toString(16)).join('-')}"`,
      modifiedAt: stats.mtime,
    };
  }

  exists(key: string): Promise<boolean> {
    return existsByHead(this, key);
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    return new Promise((resolve, reject) => {
      const stream = createReadStream(file, { ...range, highWaterMark: READ_CHUNK_BYTES });
      stream.once('ready', () => resolve(stream));
      stream.once('error', (error) => reject(isMissing(error) ? new StorageNotFound(key) : error));
    });
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async list(folder: string): Promise<string[]> {
    const dir = this.pathOf(folder);
    try {
      const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) =>
          path
            .relative(this.root, path.join(entry.parentPath, entry.name))
            .split(path.sep)
            .join('/'),
        )
        .sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** The stored file itself: on local disk there is nothing to copy (callers only read it). */
  async withLocalCopy<T>(key: string, fn: (localPath: string) => Promise<T>): Promise<T> {
    await this.head(key);
    return fn(this.pathOf(key));
  }

  /** Writes a staging file with `write`, then renames it to `target`; on failure nothing changes. */
  private async writeVia(target: string, write: (staged: string) => Promise<unknown>) {
    this.stagingReady ??= this.prepareStaging().catch((error: unknown) => {
      this.stagingReady = undefined;
      throw error;
    });
    await this.stagingReady;
    const staged = path.join(this.staging, `put-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await write(staged);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(staged, target);
    } catch (error) {
      await fs.rm(staged, { force: true });
      throw error;
    }
  }

  /** Once per process: makes the staging folder and drops what a killed process left there. */
  private async prepareStaging(): Promise<void> {
    await fs.mkdir(this.staging, { recursive: true });
    const now = Date.now();
    for (const name of await fs.readdir(this.staging)) {
      const file = path.join(this.staging, name);
      const stats = await fs.stat(file).catch(() => null);
      if (stats && now - stats.mtimeMs > STAGING_MAX_AGE_MS) await fs.rm(file, { force: true });
    }
  }
}
