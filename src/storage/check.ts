import { HeadBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../core/config.js';
import { createS3Client } from './s3.js';

/** How long the start waits for the bucket to answer. */
const CHECK_TIMEOUT_MS = 5_000;

/**
 * Whether the configured storage answers, as sentences that say what to fix
 * (none when it does). Local disk is checked by its first write.
 */
export async function storageProblems(config: StorageConfig): Promise<string[]> {
  if (config.kind !== 's3') return [];
  const where = config.endpoint ?? `AWS (${config.region})`;
  const bucket = `S3 bucket "${config.bucket}" at ${where}`;
  const client = createS3Client(config, { maxAttempts: 1 });
  try {
    await client.send(new HeadBucketCommand({ Bucket: config.bucket }), {
      abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    return [];
  } catch (error) {
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (status === 404) {
      return [`The ${bucket} does not exist: create it, or set S3_BUCKET to an existing bucket.`];
    }
    if (status === 401 || status === 403) {
      return [
        `The ${bucket} refuses these credentials (${status}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may read and write the bucket.`,
      ];
    }
    if ((error as Error).name === 'CredentialsProviderError') {
      return [
        `No credentials for the ${bucket}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or give the machine a role).`,
      ];
    }
    const reason = status ? `HTTP ${status}` : (error as Error).message || (error as Error).name;
    return [
      `Cannot reach the ${bucket} (${reason}): check AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL), S3_FORCE_PATH_STYLE for MinIO-like servers, and that the server is running.`,
    ];
  } finally {
    client.destroy();
  }
}
