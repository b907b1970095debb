/**
 * A real S3-protocol server for tests and benches: the npm `s3rver` in a child process, on
 * a free port, storing into a temp directory, with one bucket made at start.
 * It runs under `--openssl-legacy-provider`: its ListObjectsV2 pagination
 * crashes on current OpenSSL otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3StorageConfig } from '../src/core/config.js';
import { createS3Client, S3Storage } from '../src/storage/s3.js';

/** s3rver's fixed credentials. */
const ACCESS_KEY = 'S3RVER';

export interface S3TestServer {
  readonly endpoint: string;
  readonly bucket: string;
  /** The environment an app needs to store into this bucket (under `prefix`, if given). */
  env(prefix?: string): Record<string, string>;
  storageConfig(prefix?: string): S3StorageConfig;
  /** An adapter on this bucket (through `client` if given); its local copies go to `tmpDir`. */
  storage(tmpDir: string, prefix?: string, client?: S3Client): S3Storage;
  /** A raw client, to look at the bucket without our adapter. */
  client(): S3Client;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startS3Server(options: { bucket?: string } = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? 'antenne-test';
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-s3rver-'));
  const bin = path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      bin,
      ...['--directory', dir, '--address', '127.0.0.1', '--port', '0'],
      ...['--silent', '--no-vhost-buckets', '--configure-bucket', bucket],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let port: number;
  try {
    port = await listeningPort(child);
  } catch (error) {
    child.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const storageConfig = (prefix = ''): S3StorageConfig => ({
    kind: 's3',
    bucket,
    prefix: prefix ? `${prefix.replace(/\/+$/, '')}/` : '',
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY },
  });
  return {
    endpoint,
    bucket,
    env: (prefix) => ({
      S3_BUCKET: bucket,
      ...(prefix ? { S3_PREFIX: prefix } : {}),
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: ACCESS_KEY,
    }),
    storageConfig,
    storage: (tmpDir, prefix, client) => {
      const config = storageConfig(prefix);
      return new S3Storage({
        client: client ?? createS3Client(config),
        bucket,
        prefix: config.prefix,
        tmpDir,
      });
    },
    client: () => createS3Client(storageConfig()),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for s3rver's "S3rver listening on 127.0.0.1:<port>" line. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${err}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on [^:\s]+:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited (${code}) before listening: ${err}`));
    });
  });
}
