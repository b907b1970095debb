import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidKey, type BlobInfo, type BlobStorage, type ByteRange } from './blob-storage.js';

/** The default adapter: files under one root folder, written by rename so readers never see half a file. */
export class LocalDiskStorage implements BlobStorage {
  constructor(private readonly root: string) {}

  pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async putFile(key: string, localPath: string): Promise<BlobInfo> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.rename(localPath, target);
    } catch (error) {
      // Another file system (e.g. a tmp dir elsewhere): copy next to the target, then rename.
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      const staging = `${target}.partial-${process.pid}`;
      await fs.copyFile(localPath, staging);
      await fs.rename(staging, target);
      await fs.rm(localPath, { force: true });
    }
    const info = await fs.stat(target);
    return { bytes: info.size, modifiedAt: info.mtime };
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const info = await fs.stat(this.pathOf(key));
      return info.isFile() ? { bytes: info.size, modifiedAt: info.mtime } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    return new Promise((resolve, reject) => {
      const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
      stream.once('open', () => resolve(stream));
      stream.once('error', reject);
    });
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async list(folder: string): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.pathOf(folder), { withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => `${folder}/${e.name}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  withLocalFile<T>(key: string, fn: (localPath: string) => Promise<T>): Promise<T> {
    return fn(this.pathOf(key));
  }
}
