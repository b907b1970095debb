import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3StorageConfig } from '../core/config.js';
import { assertStorableKey } from './blob-storage.js';
import { createS3Client } from './s3.js';

/** S3 refuses presigned URLs that last longer than a week. */
const MAX_LIFETIME_SECONDS = 7 * 24 * 3600;
/** Signing times are rounded down to this step: the same file keeps the same URL for a while (caches). */
const SIGNING_STEP_SECONDS = 60;

/**
 * Short-lived GET URLs of objects in the bucket, for a client to fetch the bytes
 * from the bucket itself (the bucket stays private: the URL is the permission).
 * Signing is local: no request to the bucket.
 */
export class PresignedReads {
  constructor(
    private readonly deps: {
      /** A client whose endpoint is the one listeners reach (it is part of the signature). */
      readonly client: S3Client;
      readonly bucket: string;
      /** Prepended to every key: '' or ending with '/'. */
      readonly prefix: string;
      readonly now?: () => number;
    },
  ) {}

  /**
   * A URL valid until `until` (Unix seconds) at least a moment from now; the
   * bucket answers it with `cacheControl` as the object's Cache-Control.
   */
  async url(key: string, options: { until: number; cacheControl: string }): Promise<string> {
    assertStorableKey(key);
    const now = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const signedAt = now - (now % SIGNING_STEP_SECONDS);
    const lifetime = Math.min(Math.max(options.until - signedAt, 1), MAX_LIFETIME_SECONDS);
    return getSignedUrl(
      this.deps.client,
      new GetObjectCommand({
        Bucket: this.deps.bucket,
        Key: `${this.deps.prefix}${key}`,
        ResponseCacheControl: options.cacheControl,
      }),
      { expiresIn: lifetime, signingDate: new Date(signedAt * 1000) },
    );
  }
}

/**
 * Presigned reads for the configured bucket; `publicEndpoint` when listeners reach
 * the bucket elsewhere than Antenne does (MEDIA_STORAGE_PUBLIC_URL).
 */
export function createPresignedReads(
  config: S3StorageConfig,
  publicEndpoint: string | undefined,
): PresignedReads {
  const endpoint = publicEndpoint ?? config.endpoint;
  return new PresignedReads({
    client: createS3Client({ ...config, endpoint }),
    bucket: config.bucket,
    prefix: config.prefix,
  });
}
