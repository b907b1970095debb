import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseByteSize } from '../../src/core/config.js';

/** The variables a refused environment is refused for, sorted; none when it loads. */
function problemsOf(env: Record<string, string>): (string | undefined)[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => p.split(':')[0]).sort();
  }
}

describe('config', () => {
  it('gives embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'http://localhost:8080');
    assert.equal(config.databaseUrl, undefined, 'PGlite by default');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.maxUploadBytes, 2 * 1024 ** 3);
    assert.equal(config.editorTokens, undefined);
    assert.ok(Object.isFrozen(config));
  });

  it('treats empty variables as unset and strips the trailing slash of PUBLIC_URL', () => {
    const config = loadConfig({
      DATABASE_URL: '',
      PUBLIC_URL: 'https://podcasts.example.org/',
      PORT: '9000',
    });
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.publicUrl, 'https://podcasts.example.org');
  });

  it('lists every problem at once', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'eighty',
          PUBLIC_URL: 'ftp://nope',
          REDIS_URL: 'localhost:6379',
          DATABASE_URL: 'mysql://x',
          MAX_UPLOAD_SIZE: 'huge',
          EDITOR_TOKENS: 'short',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const fields = error.problems.map((p) => p.split(':')[0]);
        assert.deepEqual(
          fields.sort(),
          [
            'DATABASE_URL',
            'EDITOR_TOKENS.0',
            'MAX_UPLOAD_SIZE',
            'PORT',
            'PUBLIC_URL',
            'REDIS_URL',
          ].sort(),
        );
        return true;
      },
    );
  });

  it('reads sizes the way operators write them', () => {
    assert.equal(parseByteSize('1048576'), 1048576);
    assert.equal(parseByteSize('500MB'), 500_000_000);
    assert.equal(parseByteSize('2GiB'), 2 * 1024 ** 3);
    assert.equal(parseByteSize('256 KiB'), 256 * 1024);
    assert.equal(
      loadConfig({ MAX_UPLOAD_SIZE: '1.5GiB' }).maxUploadBytes,
      Math.floor(1.5 * 1024 ** 3),
    );
  });

  it('reads the body deadline and the upload idle timeout, and refuses nonsense', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.requestBodyTimeoutMs, 15_000);
    assert.equal(defaults.uploadIdleTimeoutMs, 60_000);
    const set = loadConfig({
      REQUEST_BODY_TIMEOUT_SECONDS: '2.5',
      UPLOAD_IDLE_TIMEOUT_SECONDS: '120',
    });
    assert.equal(set.requestBodyTimeoutMs, 2_500);
    assert.equal(set.uploadIdleTimeoutMs, 120_000);
    assert.throws(
      () => loadConfig({ REQUEST_BODY_TIMEOUT_SECONDS: '0', UPLOAD_IDLE_TIMEOUT_SECONDS: 'never' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.split(':')[0]).sort(), [
          'REQUEST_BODY_TIMEOUT_SECONDS',
          'UPLOAD_IDLE_TIMEOUT_SECONDS',
        ]);
        return true;
      },
    );
  });

  it('splits editor tokens on commas', () => {
    const config = loadConfig({ EDITOR_TOKENS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb' });
    assert.deepEqual(config.editorTokens, ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
  });

  it('runs as many jobs at once as the cores keep busy, unless WORKER_CONCURRENCY says', () => {
    const cores = os.availableParallelism();
    assert.equal(loadConfig({ ENCODE_PARALLELISM: '1' }).workerConcurrency, cores);
    assert.equal(loadConfig({}).workerConcurrency, Math.max(1, Math.floor(cores / 2)));
    assert.equal(loadConfig({ ENCODE_PARALLELISM: '16' }).workerConcurrency, 1, 'never 0');
    assert.equal(loadConfig({ WORKER_CONCURRENCY: '3' }).workerConcurrency, 3);
  });

  it('serves /metrics only where configured: a port of its own, a token, or nowhere', () => {
    assert.deepEqual(loadConfig({}).metrics, {
      port: undefined,
      host: '127.0.0.1',
      token: undefined,
    });
    const config = loadConfig({
      METRICS_PORT: '9464',
      METRICS_HOST: '0.0.0.0',
      METRICS_TOKEN: 'a-scrape-token-0123456789',
    });
    assert.deepEqual(config.metrics, {
      port: 9464,
      host: '0.0.0.0',
      token: 'a-scrape-token-0123456789',
    });
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), ConfigError);
  });

  it('reads TRUST_PROXY as a hop count or as addresses', () => {
    assert.equal(loadConfig({}).trustProxy, undefined);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'uniquelocal' }).trustProxy, 'uniquelocal');
  });

  it('stores on local disk under DATA_DIR by default, in S3 when S3_BUCKET is set', () => {
    assert.deepEqual(loadConfig({ DATA_DIR: '/srv/antenne' }).storage, {
      kind: 'local-disk',
      root: path.join('/srv/antenne', 'media'),
    });
    const s3 = loadConfig({
      S3_BUCKET: 'antenne-media',
      S3_PREFIX: '/prod/antenne/',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ENDPOINT_URL: 'http://other:9000',
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      AWS_ACCESS_KEY_ID: 'minio',
      AWS_SECRET_ACCESS_KEY: 'minio-secret',
    }).storage;
    assert.deepEqual(s3, {
      kind: 's3',
      bucket: 'antenne-media',
      prefix: 'prod/antenne/',
      region: 'us-east-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      credentials: {
        accessKeyId: 'minio',
        secretAccessKey: 'minio-secret',
        sessionToken: undefined,
      },
    });
    const aws = loadConfig({ S3_BUCKET: 'antenne-media', AWS_REGION: 'eu-west-3' }).storage;
    assert.ok(aws.kind === 's3');
    assert.equal(aws.region, 'eu-west-3');
    assert.equal(aws.endpoint, undefined, 'AWS itself');
    assert.equal(aws.prefix, '');
    assert.equal(aws.forcePathStyle, false);
    assert.equal(aws.credentials, undefined, "the SDK's own chain (role, ~/.aws)");
  });

  it('lists every storage problem at once', () => {
    assert.deepEqual(problemsOf({ S3_PREFIX: 'media', S3_FORCE_PATH_STYLE: 'true' }), [
      'S3_FORCE_PATH_STYLE',
      'S3_PREFIX',
    ]);
    assert.deepEqual(
      problemsOf({
        S3_BUCKET: 'Not_A_Bucket',
        AWS_ENDPOINT_URL_S3: 'minio:9000',
        S3_PREFIX: 'a/../b',
        PORT: 'eighty',
      }),
      ['AWS_ENDPOINT_URL_S3', 'PORT', 'S3_BUCKET', 'S3_PREFIX'],
    );
    assert.deepEqual(problemsOf({ S3_BUCKET: 'antenne', AWS_ACCESS_KEY_ID: 'key-only' }), [
      'AWS_SECRET_ACCESS_KEY',
    ]);
  });

  it('reads how media are delivered, and refuses delivery the storage cannot do', () => {
    const local = loadConfig({ PUBLIC_URL: 'https://podcasts.example.org/' });
    assert.equal(local.media.publicBase, 'https://podcasts.example.org/media');
    assert.deepEqual(local.media.delivery, { kind: 'stream' });
    const behindNginx = loadConfig({
      MEDIA_ACCEL_REDIRECT: '/_protected-media/',
      MEDIA_PUBLIC_URL: 'https://cdn.example.org/media/',
    });
    assert.equal(behindNginx.media.publicBase, 'https://cdn.example.org/media');
    assert.deepEqual(behindNginx.media.delivery, {
      kind: 'accel-redirect',
      prefix: '/_protected-media/',
    });
    const s3 = { S3_BUCKET: 'antenne', MEDIA_REDIRECT: 'storage' };
    assert.deepEqual(loadConfig(s3).media.delivery, {
      kind: 'storage-redirect',
      publicEndpoint: undefined,
    });
    assert.deepEqual(
      loadConfig({ ...s3, MEDIA_STORAGE_PUBLIC_URL: 'https://s3.example.org' }).media.delivery,
      { kind: 'storage-redirect', publicEndpoint: 'https://s3.example.org' },
    );

    assert.deepEqual(
      problemsOf({
        MEDIA_REDIRECT: 'storage',
        MEDIA_PUBLIC_URL: 'cdn.example.org',
        MEDIA_ACCEL_REDIRECT: '_protected-media',
      }),
      ['MEDIA_ACCEL_REDIRECT', 'MEDIA_PUBLIC_URL', 'MEDIA_REDIRECT'],
    );
    assert.deepEqual(
      problemsOf({ S3_BUCKET: 'antenne', MEDIA_ACCEL_REDIRECT: '/_protected-media/' }),
      ['MEDIA_ACCEL_REDIRECT'],
    );
    assert.deepEqual(problemsOf({ MEDIA_STORAGE_PUBLIC_URL: 'https://s3.example.org' }), [
      'MEDIA_STORAGE_PUBLIC_URL',
    ]);
  });
});
