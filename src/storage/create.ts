import path from 'node:path';
import type { Config } from '../core/config.js';
import type { BlobStorage } from './blob-storage.js';
import { LocalDiskStorage } from './local-disk.js';
import { createS3Client, S3Storage } from './s3.js';

/** The storage the configuration asks for: local disk by default, S3 when S3_BUCKET is set. */
export function createStorage(config: Pick<Config, 'storage' | 'dataDir'>): BlobStorage {
  const storage = config.storage;
  if (storage.kind === 'local-disk') return new LocalDiskStorage(storage.root);
  return new S3Storage({
    client: createS3Client(storage),
    bucket: storage.bucket,
    prefix: storage.prefix,
    tmpDir: path.join(config.dataDir, 'tmp', 'storage'),
  });
}
