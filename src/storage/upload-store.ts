/**
 * Where resumable (tus) uploads keep their bytes while they arrive: a @tus/file-store
 * folder under DATA_DIR by default, a @tus/s3-store multipart upload in the bucket
 * when S3 storage is configured. Upload ids in URLs are 32 hex digits; in the bucket
 * they sit under `<S3_PREFIX>uploads/`.
 */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { S3Store } from '@tus/s3-store';
import type { DataStore } from '@tus/server';
import type { Config } from '../core/config.js';
import { createS3Client } from './s3.js';
import { withTempDir } from './temp.js';

export interface UploadStore {
  readonly kind: 'file' | 's3';
  readonly datastore: DataStore;
  /** The store's name for the upload whose URL ends with `id`. */
  storeId(id: string): string;
  /** The URL id of a store name (the last segment). */
  urlId(storeId: string): string;
  /**
   * Runs `fn` with a local file holding a finished upload's bytes, which `fn` may
   * consume (move away): the file store's own file, or a temp copy of the S3 object.
   */
  withLocalFile<T>(id: string, fn: (localPath: string) => Promise<T>): Promise<T>;
  /** Removes the upload's bytes and its info; what is already gone is no error. */
  remove(id: string): Promise<void>;
}

const urlIdOf = (storeId: string) => storeId.slice(storeId.lastIndexOf('/') + 1);

/** Where the file store keeps uploads, and the S3 store its temp copies. */
export const uploadDirs = (dataDir: string) => ({
  files: path.join(dataDir, 'uploads'),
  tmp: path.join(dataDir, 'tmp', 'resumable'),
});

export function createUploadStore(
  config: Pick<Config, 'storage' | 'dataDir'>,
  wrap: (store: DataStore) => DataStore = (s) => s,
): UploadStore {
  const storage = config.storage;
  const dirs = uploadDirs(config.dataDir);
  if (storage.kind === 'local-disk') {
    const store = new FileStore({ directory: dirs.files });
    const fileOf = (id: string) => path.join(dirs.files, id);
    return {
      kind: 'file',
      datastore: wrap(store),
      storeId: (id) => id,
      urlId: urlIdOf,
      withLocalFile: (id, fn) => fn(fileOf(id)),
      async remove(id) {
        await fs.rm(fileOf(id), { force: true });
        await fs.rm(`${fileOf(id)}.json`, { force: true });
      },
    };
  }
  const store = new S3Store({
    partSize: 8 * 1024 ** 2,
    s3ClientConfig: {
      bucket: storage.bucket,
      region: storage.region,
      endpoint: storage.endpoint,
      forcePathStyle: storage.forcePathStyle,
      credentials: storage.credentials,
      // As for the media bucket (src/storage/s3.ts): servers other than AWS may not take the SDK's checksums.
      ...(storage.endpoint
        ? {
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }
        : {}),
    },
  });
  const storeId = (id: string) => `${storage.prefix}uploads/${id}`;
  const client = createS3Client(storage);
  return {
    kind: 's3',
    datastore: wrap(store),
    storeId,
    urlId: urlIdOf,
    withLocalFile: (id, fn) =>
      withTempDir(dirs.tmp, 'upload', async (dir) => {
        const local = path.join(dir, id);
        await pipeline(await store.read(storeId(id)), createWriteStream(local));
        return fn(local);
      }),
    async remove(id) {
      // Aborts the multipart upload if it is still open (a finished one has none: it says not found).
      await store.remove(storeId(id)).catch(() => undefined);
      // The store's remove stops at a finished upload and never deletes the incomplete
      // part it keeps aside: every object of the upload goes here.
      const key = storeId(id);
      await client.send(
        new DeleteObjectsCommand({
          Bucket: storage.bucket,
          Delete: { Objects: [{ Key: key }, { Key: `${key}.info` }, { Key: `${key}.part` }] },
        }),
      );
    },
  };
}
