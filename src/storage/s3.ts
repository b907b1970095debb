import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3StorageConfig } from '../core/config.js';
import {
  assertStorableKey,
  existsByHead,
  StorageNotFound,
  type BlobInfo,
  type BlobStorage,
  type ByteRange,
} from './blob-storage.js';
import { contentTypeFor } from './content-type.js';
import { sweepOrphans, withTempDir } from './temp.js';

/** Multipart part size: S3's minimum is 5 MiB; bigger parts mean fewer requests per file. */
const PART_SIZE = 8 * 1024 ** 2;
/** Parts in flight per upload (memory: PART_SIZE × this). */
const PARTS_IN_FLIGHT = 4;
/** Listeners streaming media each hold a connection to the bucket for as long as they listen. */
const MAX_SOCKETS = 256;

/** One S3 client for the configured endpoint, bucket style and credentials. */
export function createS3Client(config: S3StorageConfig, options: { maxAttempts?: number } = {}) {
  const agent = { keepAlive: true, maxSockets: MAX_SOCKETS };
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    maxAttempts: options.maxAttempts,
    requestHandler: {
      connectionTimeout: 5_000,
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
    },
    // Servers other than AWS (MinIO, s3rver…) may not understand the checksums the SDK
    // adds by default; s3rver even stores a streamed body with its chunk framing.
    ...(config.endpoint
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}

/** The S3 answer for "no such object" (GET says NoSuchKey, HEAD has no body: a bare 404). */
function isMissingObject(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    error.name !== 'NoSuchBucket' &&
    (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
  );
}

/**
 * Objects in an S3-compatible bucket (AWS, MinIO, s3rver in the tests), under
 * an optional key prefix. A PUT or a completed multipart upload replaces the
 * object at once, so readers never see part of a write.
 */
export class S3Storage implements BlobStorage {
  private swept: Promise<unknown> | undefined;

  constructor(
    private readonly deps: {
      readonly client: S3Client;
      readonly bucket: string;
      /** Prepended to every key: '' or ending with '/'. */
      readonly prefix: string;
      /** Local copies for ffmpeg go here (in per-copy folders, removed after use). */
      readonly tmpDir: string;
    },
  ) {}

  private objectKey(key: string): string {
    assertStorableKey(key);
    return `${this.deps.prefix}${key}`;
  }

  async putFile(key: string, localPath: string): Promise<BlobInfo> {
    const info = await this.putStream(key, createReadStream(localPath));
    await fs.rm(localPath, { force: true });
    return info;
  }

  async putStream(key: string, body: Readable): Promise<BlobInfo> {
    // One PUT for a body smaller than a part, a multipart upload otherwise (aborted on failure).
    const upload = new Upload({
      client: this.deps.client,
      params: {
        Bucket: this.deps.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentType: contentTypeFor(key),
      },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
    });
    await upload.done();
    return this.head(key);
  }

  async putBytes(key: string, bytes: Uint8Array | string): Promise<BlobInfo> {
    await this.deps.client.send(
      new PutObjectCommand({
        Bucket: this.deps.bucket,
        Key: this.objectKey(key),
        Body: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes,
        ContentType: contentTypeFor(key),
      }),
    );
    return this.head(key);
  }

  async head(key: string): Promise<BlobInfo> {
    try {
      const answer = await this.deps.client.send(
        new HeadObjectCommand({ Bucket: this.deps.bucket, Key: this.objectKey(key) }),
      );
      return {
        bytes: answer.ContentLength ?? 0,
        contentType: answer.ContentType ?? contentTypeFor(key),
        etag: answer.ETag ?? `"${answer.ContentLength ?? 0}"`,
        modifiedAt: answer.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isMissingObject(error)) throw new StorageNotFound(key);
      throw error;
    }
  }

  exists(key: string): Promise<boolean> {
    return existsByHead(this, key);
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const answer = await this.deps.client.send(
        new GetObjectCommand({
          Bucket: this.deps.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
      if (!(answer.Body instanceof Readable)) throw new Error('S3 GetObject gave no Node stream');
      return answer.Body;
    } catch (error) {
      if (isMissingObject(error)) throw new StorageNotFound(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.deps.client.send(
      new DeleteObjectCommand({ Bucket: this.deps.bucket, Key: this.objectKey(key) }),
    );
  }

  async list(folder: string): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateListObjectsV2(
      { client: this.deps.client },
      { Bucket: this.deps.bucket, Prefix: `${this.objectKey(folder)}/` },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key) keys.push(object.Key.slice(this.deps.prefix.length));
      }
    }
    return keys.sort();
  }

  async withLocalCopy<T>(key: string, fn: (localPath: string) => Promise<T>): Promise<T> {
    // Once per process: copies a killed process left behind (with the ffmpeg still reading them) go.
    this.swept ??= sweepOrphans(this.deps.tmpDir);
    await this.swept;
    return withTempDir(this.deps.tmpDir, 'copy', async (dir) => {
      // The key's own name: tools that look at the extension see the right one.
      const file = path.join(dir, path.basename(key));
      await pipeline(await this.openRead(key), createWriteStream(file));
      return fn(file);
    });
  }
}
