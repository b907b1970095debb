/**
 * An S3 server that implements the whole multipart API (ListParts, AbortMultipartUpload,
 * ListMultipartUploads), which @tus/s3-store needs and s3rver lacks: moto's
 * `moto_server` (Python), in a child process on a free port, with one bucket.
 */
import { spawn, spawnSync } from 'node:child_process';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../support/ports.js';

export interface MotoS3 {
  readonly endpoint: string;
  readonly bucket: string;
  /** The environment an app needs to store into this bucket under `prefix`. */
  env(prefix: string): Record<string, string>;
  client(): S3Client;
  stop(): Promise<void>;
}

export const motoAvailable = () =>
  spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

export async function startMotoS3(bucket = 'antenne-tus'): Promise<MotoS3> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const client = () =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
    });
  for (let i = 0; ; i++) {
    const up = await fetch(endpoint).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (i > 150 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error('moto_server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await client().send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    bucket,
    env: (prefix) => ({
      S3_BUCKET: bucket,
      S3_PREFIX: prefix,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'moto',
      AWS_SECRET_ACCESS_KEY: 'moto',
    }),
    client,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
