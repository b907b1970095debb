/**
 * Local-disk media through a real nginx (Debian's), running the server block of
 * deploy/nginx.conf as shipped (its upstream and alias pointed at this test's
 * app and data dir): with MEDIA_ACCEL_REDIRECT the API only decides who may
 * have a file and nginx sends the bytes, with Range and HEAD; refusals stay the
 * API's own uncacheable 404; the internal location is not reachable from outside.
 */
import assert from 'node:assert/strict';
import { brotliDecompressSync } from 'node:zlib';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  createTestShow,
  EDITOR_HEADERS,
  startTestApp,
  TEST_TOKEN,
  type TestApp,
} from '../helpers/app.js';
import { seededBytes } from '../fixtures/audio.js';
import { tempDir } from '../helpers/audio.js';
import { rawRequest } from '../helpers/http.js';
import { addMediaEpisode, renditionUrl, type MediaEpisode } from '../helpers/media-episodes.js';
import { shippedServers, startNginx } from '../../support/nginx.js';
import { freePort } from '../../support/ports.js';

const PREFIX = '/_protected-media/';
const FILE_BYTES = 300_000;

describe('local-disk media sent by nginx (MEDIA_ACCEL_REDIRECT)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let nginx: ChildProcess | undefined;
  let dir: string;
  let origin: string;
  const bytes = seededBytes(FILE_BYTES, 'accel');
  let published: MediaEpisode;
  let draft: MediaEpisode;
  const keyOf = (episode: MediaEpisode) => episode.key;

  before(async () => {
    dir = await tempDir('antenne-nginx-');
    const nginxPort = await freePort();
    origin = `http://127.0.0.1:${nginxPort}`;
    app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { PUBLIC_URL: origin, MEDIA_ACCEL_REDIRECT: PREFIX, TRUST_PROXY: '1' },
    });
    await createTestShow(app);
    published = await addMediaEpisode(app, 'published', bytes);
    draft = await addMediaEpisode(app, 'ready', bytes);
    const appPort = Number(new URL(app.baseUrl).port);
    nginx = await startNginx({
      dir,
      name: 'shipped',
      port: nginxPort,
      workers: '1',
      servers: await shippedServers({
        appPort,
        port: nginxPort,
        mediaRoot: path.join(app.dataDir, 'media'),
      }),
    });
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    await app?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const throughNginx = (url: string, init: RequestInit = {}) => {
    assert.ok(url.startsWith(`${origin}/media/`), `${url} is on nginx's origin`);
    return fetch(url, init);
  };
  const urlOf = (episode: MediaEpisode) => renditionUrl(origin, episode.id, TEST_TOKEN);

  it('sends a published file through nginx: the API answers no byte, nginx the range', async () => {
    const url = await urlOf(published);
    assert.match(url, /\/media\/p\/[a-z0-9]{22}\/public\/episodes\//);

    // The API itself answers the redirect, with nothing in the body.
    const upstream = await rawRequest(url.replace(origin, app.baseUrl));
    assert.equal(upstream.status, 200);
    assert.equal(upstream.headers['x-accel-redirect'], `${PREFIX}${keyOf(published)}`);
    assert.equal(upstream.body.length, 0);

    const ranged = await throughNginx(url, { headers: { range: 'bytes=1000-4999' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 1000-4999/${FILE_BYTES}`);
    assert.equal(ranged.headers.get('content-length'), '4000');
    assert.equal(ranged.headers.get('content-type'), 'audio/mpeg');
    assert.equal(ranged.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(ranged.headers.get('access-control-allow-origin'), '*');
    assert.equal(ranged.headers.get('x-accel-redirect'), null, 'the redirect stays inside nginx');
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(1000, 5000));

    const whole = await throughNginx(url);
    assert.equal(whole.status, 200);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);

    const head = await throughNginx(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(FILE_BYTES));
    assert.equal(head.headers.get('content-type'), 'audio/mpeg');
    assert.equal(head.headers.get('accept-ranges'), 'bytes', 'players learn they may seek');
    assert.equal((await head.arrayBuffer()).byteLength, 0);

    const etag = whole.headers.get('etag');
    assert.ok(etag, 'nginx sets an ETag');
    const again = await rawRequest(url, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  it('serves an editor’s signed URL of an unpublished file, and nothing else of it', async () => {
    const signed = await urlOf(draft);
    assert.match(signed, /\?expires=\d+&signature=/);
    const ranged = await throughNginx(signed, { headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.match(ranged.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(0, 100));

    const unsigned = signed.slice(0, signed.indexOf('?'));
    const borrowed = `${origin}/media/p/${published.publicationKey}/${keyOf(draft)}`;
    const tampered = signed.replace(/signature=./, (s) =>
      s.endsWith('A') ? `${s.slice(0, -1)}B` : `${s.slice(0, -1)}A`,
    );
    for (const url of [unsigned, borrowed, tampered]) {
      const refused = await throughNginx(url, { headers: { range: 'bytes=0-99' } });
      assert.equal(refused.status, 404, url);
      assert.equal(refused.headers.get('cache-control'), 'no-store', `${url}: not cacheable`);
      assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
  });

  it('sends text media (peaks, chapters, transcripts) itself, compressed: nginx only the audio', async () => {
    const key = `public/episodes/${published.id}/player-peaks-0123456789ab.json`;
    const json = JSON.stringify({ data: Array.from({ length: 2000 }, (_, i) => (i * 7) % 128) });
    await app.antenne.storage.putBytes(key, json);
    const url = `${origin}/media/p/${published.publicationKey}/${key}`;
    const res = await rawRequest(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.match(String(res.headers.vary), /Accept-Encoding/i);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(brotliDecompressSync(res.body).toString(), json);
    const ranged = await rawRequest(url, {
      headers: { 'accept-encoding': 'br', range: 'bytes=0-9' },
    });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.body.toString(), json.slice(0, 10));
  });

  it('keeps the internal location internal', async () => {
    const direct = await fetch(`${origin}${PREFIX}${keyOf(published)}`);
    assert.equal(direct.status, 404);
    await direct.arrayBuffer();
  });

  it('withdraws a file once its episode is unpublished', async () => {
    const url = await urlOf(published);
    const unpublish = await fetch(`${origin}/api/episodes/${published.id}/unpublish`, {
      method: 'POST',
      headers: {
        ...EDITOR_HEADERS,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    assert.equal(unpublish.status, 200, await unpublish.clone().text());
    // Each process keeps a "yes" for 2 s at most.
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline) {
      const answer = await throughNginx(url, { method: 'HEAD' });
      status = answer.status;
      if (status === 404) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 404);
  });
});
