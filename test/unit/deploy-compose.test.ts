/**
 * docker-compose.yml and deploy/nginx.conf say what docs/scaling.md promises: nginx in
 * front of two API processes (caching the feeds only), scalable workers whose stop grace
 * period covers their shutdown, Redis fit for BullMQ, storage in MinIO and no shared media
 * volume. The schema itself is checked by deploy/validate.sh (`docker compose config`, `nginx -t`).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { parse } from 'yaml';
import { loadConfig } from '../../src/core/config.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  container_name?: string;
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  entrypoint?: string[];
}

/** `${NAME:-default}` → default, `${NAME:?message}` → a placeholder, as an empty environment would give. */
const interpolate = (value: string) =>
  value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, fallback?: string) =>
    fallback !== undefined
      ? fallback
      : name === 'EDITOR_TOKENS'
        ? 'a-compose-token-0123456789'
        : '',
  );

const seconds = (duration: string) => {
  const match = /^(\d+)(s|m)$/.exec(duration);
  assert.ok(match, `a duration in s or m: ${duration}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
};

describe('docker-compose.yml and nginx', () => {
  let services: Record<string, Service>;
  let nginx: string;

  before(async () => {
    const file = parse(
      await fs.readFile(new URL('../../docker-compose.yml', import.meta.url), 'utf8'),
      { merge: true },
    ) as {
      services: Record<string, Service>;
    };
    services = file.services;
    nginx = await fs.readFile(new URL('../../deploy/nginx.conf', import.meta.url), 'utf8');
  });

  const apis = () => Object.keys(services).filter((name) => /^api-\d+$/.test(name));
  const envOf = (name: string) =>
    Object.fromEntries(
      Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(v)]),
    );

  it('runs nginx, two API processes, a worker, Redis, PostgreSQL and MinIO with its bucket', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'api-1',
      'api-2',
      'minio',
      'minio-bucket',
      'nginx',
      'postgres',
      'redis',
      'worker',
    ]);
    for (const api of apis()) assert.deepEqual(services[api]!.command?.slice(-1), ['--role=api']);
    assert.deepEqual(services.worker!.command, ['node', 'dist/workers/main.js']);
    assert.match(services['minio-bucket']!.entrypoint!.join(' '), /mc mb --ignore-existing/);
  });

  it('sends nginx to every API process, and only nginx publishes a port', () => {
    const upstreams = [...nginx.matchAll(/^\s*server (api-\d+):8080\b/gm)].map((m) => m[1]);
    assert.deepEqual(upstreams.sort(), apis().sort());
    assert.match(nginx, /location \/_protected-media\/ \{\s*internal;/);
    const published = Object.entries(services).filter(([, s]) => s.ports?.length);
    assert.deepEqual(
      published.map(([name]) => name),
      ['nginx'],
    );
  });

  it('caches the feeds in nginx and nothing else (docs/scaling.md)', () => {
    assert.match(nginx, /^proxy_cache_path \/var\/cache\/nginx\/\S+ .*keys_zone=antenne_feeds:/m);
    const feeds = /location ~ \^\/feeds\/[^{]*\{([^}]*)\}/.exec(nginx);
    assert.ok(feeds, 'a location for the feeds');
    assert.match(feeds[1]!, /^\s*proxy_cache antenne_feeds;/m);
    assert.equal([...nginx.matchAll(/^\s*proxy_cache \w+;/gm)].length, 1, 'one cached location');
    // With TCP_CORK a cache hit's last segment waited for a delayed ACK (40 ms each answer).
    assert.match(feeds[1]!, /^\s*tcp_nopush off;/m);
  });

  it('keeps media in the bucket: no volume on the API or worker containers', () => {
    for (const name of [...apis(), 'worker']) {
      assert.equal(services[name]!.volumes, undefined, `${name} mounts nothing`);
      const env = envOf(name);
      assert.equal(env.S3_BUCKET, 'antenne');
      assert.equal(env.AWS_ENDPOINT_URL_S3, 'http://minio:9000');
      assert.equal(env.S3_FORCE_PATH_STYLE, 'true');
      assert.ok(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY, 'MinIO credentials');
      assert.equal(
        services[name]!.depends_on?.['minio-bucket']?.condition,
        'service_completed_successfully',
      );
    }
  });

  it('lets the worker scale and stop in time: no container name, no port, grace covered', () => {
    const worker = services.worker!;
    assert.equal(worker.container_name, undefined);
    assert.equal(worker.ports, undefined);
    const config = loadConfig(envOf('worker'));
    // After SHUTDOWN_GRACE_SECONDS the runtime stops ffmpeg and waits up to 10 s more (workers/runtime.ts).
    assert.ok(
      seconds(worker.stop_grace_period!) > config.shutdownGraceMs / 1000 + 10,
      `stop_grace_period ${worker.stop_grace_period} covers a ${config.shutdownGraceMs} ms grace`,
    );
    assert.ok(config.workerConcurrency >= 1, 'concurrency from cores when unset');
  });

  it('gives every API process a valid configuration behind one trusted proxy hop', () => {
    for (const api of apis()) {
      const config = loadConfig(envOf(api));
      assert.equal(config.trustProxy, 1);
      assert.equal(config.metrics.port, 9464);
      assert.equal(config.databaseUrl, 'postgres://antenne:antenne@postgres:5432/antenne');
    }
  });

  it('runs Redis with AOF and noeviction, and health-checks every long-running service', () => {
    const redis = services.redis!.command!.join(' ');
    assert.match(redis, /--appendonly yes/);
    assert.match(redis, /--maxmemory-policy noeviction/);
    for (const [name, service] of Object.entries(services)) {
      if (name === 'minio-bucket') continue;
      assert.ok(service.healthcheck?.test.length, `${name} has a healthcheck`);
    }
  });
});
