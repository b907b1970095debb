/**
 * Feeds through nginx's micro-cache: a real nginx (Debian's) runs deploy/nginx.conf as
 * shipped (its upstream, port and cache folder pointed at this test's app and temp dir)
 * in front of a real Antenne with published episodes. A feed is answered from the cache
 * after its first request, in at most three variants (br, gzip, identity) whatever
 * Accept-Encoding podcast apps send, each the API's own bytes and ETag; conditional
 * requests get nginx's 304; requests with credentials and every other path go to the
 * API; an unpublication reaches the cached feed within its 5 s of validity.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pickEncoding, type Encoding } from '../../feeds/serve.js';
import { createTestShow, EDITOR_HEADERS, startTestApp, type TestApp } from '../helpers/app.js';
import { seededBytes } from '../fixtures/audio.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { tempDir } from '../helpers/audio.js';
import { rawRequest } from '../helpers/http.js';
import { addMediaEpisode, type MediaEpisode } from '../helpers/media-episodes.js';
import { shippedServers, startNginx } from '../../support/nginx.js';
import { freePort } from '../../support/ports.js';

const FEED = `/feeds/${SHOW_INPUT.slug}.xml`;
/** A show whose feed only one test asks for through nginx: its entries start cold. */
const OTHER_SHOW = 'une-autre-emission';
/** What each variant is asked with; `undefined`: no Accept-Encoding at all. */
const ASK: Record<Encoding, string | undefined> = { br: 'br', gzip: 'gzip', identity: undefined };
/** The X-Cache-Status of an answer taken from a stored entry (fresh, or stale while it updates). */
const FROM_CACHE = ['HIT', 'UPDATING', 'STALE', 'REVALIDATED'];
/** 5 s of validity, then one request that still gets the stale entry while it updates. */
const VALIDITY_MS = 5_000;

/** What podcast apps, browsers and HTTP libraries send, and edge cases of q-values. */
const ACCEPT_ENCODINGS: (string | undefined)[] = [
  undefined,
  '',
  'gzip',
  'gzip, deflate',
  'deflate, gzip',
  'gzip, deflate, br',
  'gzip, deflate, br, zstd',
  'gzip, deflate, br;q=0',
  'br;q=0, gzip',
  'BR, GZip',
  'br;q=1.0, gzip;q=0.8, *;q=0.1',
  'gzip;q=1.0, identity; q=0.5, *;q=0',
  'br;q=0.5, gzip',
  'br;q=0.8, gzip;q=0.8',
  'br;q=0.001',
  'gzip;q=0.5',
  'gzip;q=0.5, identity',
  'identity',
  'deflate',
  'x-gzip',
  '*',
  '*;q=0',
  'gzip;q=0, br;q=0, *',
];

const decode = (res: { headers: IncomingHttpHeaders; body: Buffer }): string => {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.body).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(res.body).toString('utf8');
  assert.equal(encoding, undefined, `an encoding the test knows: ${encoding}`);
  return res.body.toString('utf8');
};

describe('feeds through nginx’s micro-cache (deploy/nginx.conf)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let nginx: ChildProcess | undefined;
  let dir: string;
  let origin: string;
  let kept: MediaEpisode;
  let withdrawn: MediaEpisode;
  /** The feed as the API itself sends it, per encoding. */
  const direct = {} as Record<Encoding, { etag: string; body: Buffer }>;
  let xml: string;

  const get = (urlPath: string, headers: Record<string, string | undefined> = {}, method = 'GET') =>
    rawRequest(`${origin}${urlPath}`, {
      method,
      headers: Object.fromEntries(
        Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
      ),
    });
  const feed = (encoding: Encoding, headers: Record<string, string> = {}) =>
    get(FEED, { 'accept-encoding': ASK[encoding], ...headers });
  const cacheStatus = (res: { headers: IncomingHttpHeaders }): string | undefined => {
    const status = res.headers['x-cache-status'];
    return Array.isArray(status) ? status.join(', ') : status;
  };
  const assertFromCache = (res: { headers: IncomingHttpHeaders }, label = '') =>
    assert.ok(
      FROM_CACHE.includes(cacheStatus(res) ?? ''),
      `${label} X-Cache-Status: ${cacheStatus(res) ?? '(none)'}`,
    );
  const mediaPath = (episode: MediaEpisode) => `/media/p/${episode.publicationKey}/${episode.key}`;

  before(async () => {
    dir = await tempDir('antenne-feed-cache-');
    const nginxPort = await freePort();
    origin = `http://127.0.0.1:${nginxPort}`;
    app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { PUBLIC_URL: origin, TRUST_PROXY: '1' },
    });
    await createTestShow(app);
    kept = await addMediaEpisode(app, 'published', seededBytes(20_000, 'kept'));
    withdrawn = await addMediaEpisode(app, 'published', seededBytes(20_000, 'withdrawn'));
    const other = await app.authed('/api/shows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...SHOW_INPUT, slug: OTHER_SHOW, title: 'Une autre émission' }),
    });
    assert.equal(other.status, 201, await other.clone().text());
    const show = await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug);
    await app.antenne.feedPublisher.rebuildShow(show!.id);
    for (const encoding of ['br', 'gzip', 'identity'] as const) {
      const res = await rawRequest(`${app.baseUrl}${FEED}`, {
        headers: ASK[encoding] ? { 'accept-encoding': ASK[encoding] } : {},
      });
      assert.equal(res.status, 200);
      direct[encoding] = { etag: String(res.headers.etag), body: res.body };
    }
    xml = direct.identity.body.toString('utf8');
    for (const episode of [kept, withdrawn]) assert.ok(xml.includes(episode.publicationKey!));

    nginx = await startNginx({
      dir,
      name: 'feeds',
      port: nginxPort,
      workers: '1',
      servers: await shippedServers({
        appPort: Number(new URL(app.baseUrl).port),
        port: nginxPort,
        mediaRoot: path.join(app.dataDir, 'media'),
        cacheDir: path.join(dir, 'feed-cache'),
      }),
    });
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    await app?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers a feed from the cache after its first request, with the API’s headers', async () => {
    const first = await feed('gzip');
    assert.equal(first.status, 200);
    assert.equal(cacheStatus(first), 'MISS');
    const second = await feed('gzip');
    assert.equal(second.status, 200);
    assert.equal(cacheStatus(second), 'HIT');
    assert.deepEqual(second.body, direct.gzip.body, 'the API’s gzip bytes');
    assert.equal(second.headers['content-encoding'], 'gzip');
    assert.equal(second.headers.etag, direct.gzip.etag);
    assert.match(direct.gzip.etag, /-gzip"$/);
    assert.equal(second.headers.vary, 'Accept-Encoding');
    assert.equal(second.headers['access-control-allow-origin'], '*');
    assert.equal(second.headers['content-type'], 'application/rss+xml; charset=utf-8');
    assert.equal(second.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=60');
    assert.ok(second.headers['last-modified']);
    assert.equal(second.headers['content-length'], String(direct.gzip.body.length));
    assert.equal(decode(second), xml);

    const head = await get(FEED, { 'accept-encoding': 'gzip' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(cacheStatus(head), 'HIT', 'HEAD is answered from the GET’s entry');
    assert.equal(head.headers['content-length'], String(direct.gzip.body.length));
    assert.equal(head.body.length, 0);
  });

  it('keeps three variants, each the API’s bytes, whatever Accept-Encoding apps send', async () => {
    for (const encoding of ['br', 'identity'] as const) {
      const first = await feed(encoding);
      assert.equal(cacheStatus(first), 'MISS', encoding);
      const again = await feed(encoding);
      assert.equal(cacheStatus(again), 'HIT', encoding);
      assert.equal(again.headers['content-encoding'], encoding === 'br' ? 'br' : undefined);
      assert.equal(again.headers.etag, direct[encoding].etag);
      assert.deepEqual(again.body, direct[encoding].body, `the API’s ${encoding} bytes`);
      assert.equal(decode(again), xml);
    }
    assert.equal(new Set(Object.values(direct).map((d) => d.etag)).size, 3, 'one ETag per variant');

    for (const header of ACCEPT_ENCODINGS) {
      const res = await get(FEED, { 'accept-encoding': header });
      const expected = pickEncoding(header);
      const label = `Accept-Encoding: ${header ?? '(none)'} → ${expected}`;
      assert.equal(res.status, 200, label);
      assert.equal(res.headers['content-encoding'] ?? 'identity', expected, label);
      // nginx's own Vary handling would have stored one more copy per distinct header.
      assertFromCache(res, label);
      assert.deepEqual(res.body, direct[expected].body, label);
    }
    const refused = await get(FEED, { 'accept-encoding': 'gzip, deflate, br;q=0' });
    assert.equal(refused.headers['content-encoding'], 'gzip', 'never br to a client refusing it');
  });

  it('answers 304 from the cache to the variant’s own ETag, and only to it', async () => {
    const notModified = await feed('gzip', { 'if-none-match': direct.gzip.etag });
    assert.equal(notModified.status, 304);
    assertFromCache(notModified);
    assert.equal(notModified.headers.etag, direct.gzip.etag);
    assert.equal(notModified.body.length, 0);

    const otherVariant = await feed('gzip', { 'if-none-match': direct.br.etag });
    assert.equal(otherVariant.status, 200);
    assert.equal(otherVariant.headers['content-encoding'], 'gzip');
    assert.deepEqual(otherVariant.body, direct.gzip.body);
  });

  it('never answers nor stores a request with credentials from the cache', async () => {
    for (const credentials of [EDITOR_HEADERS, { cookie: 'antenne_session=whatever' }]) {
      const res = await feed('gzip', credentials);
      assert.equal(res.status, 200);
      assert.equal(cacheStatus(res), 'BYPASS');
      assert.deepEqual(res.body, direct.gzip.body);
    }
    // Not stored either: the next request without credentials misses, then hits. A topic
    // feed path (this one unknown: a 404, kept 1 s) goes through the same location.
    const unknown = `/feeds/${SHOW_INPUT.slug}/no-such-topic.xml`;
    const withCookie = await get(unknown, { cookie: 'antenne_session=whatever' });
    assert.equal(withCookie.status, 404);
    assert.equal(cacheStatus(withCookie), 'BYPASS');
    const plain = await get(unknown);
    assert.equal(plain.status, 404);
    assert.equal(cacheStatus(plain), 'MISS');
    assert.equal(cacheStatus(await get(unknown)), 'HIT');
  });

  it('keys a feed by its path alone: a query string is answered from the same entry', async () => {
    const res = await get(`${FEED}?cache-buster=${Date.now()}`, { 'accept-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assertFromCache(res);
    assert.deepEqual(res.body, direct.gzip.body);
  });

  it('asks the API for the canonical path and the normalised encoding, as keyed', async () => {
    const other = `/feeds/${OTHER_SHOW}.xml`;
    const fromApi = async (encoding: Encoding) =>
      (await rawRequest(`${app.baseUrl}${other}`, { headers: { 'accept-encoding': encoding } }))
        .body;
    // An escaped path is the same path to nginx; the API, asked with it, would not find the
    // feed (a 404 stored under the feed's key). It is asked for the path nginx keyed.
    const escaped = await get(`/feeds/${OTHER_SHOW}%2Exml`, { 'accept-encoding': 'gzip' });
    assert.equal(escaped.status, 200);
    assert.equal(cacheStatus(escaped), 'MISS');
    assert.deepEqual(escaped.body, await fromApi('gzip'));
    assert.equal(cacheStatus(await get(other, { 'accept-encoding': 'gzip' })), 'HIT');
    // Two fractional q-values: nginx picks br (an encoding the client takes) where the API,
    // asked with the raw header, would pick gzip; the API is asked for br, so the br entry
    // holds br, whoever filled it.
    const fractional = await get(other, { 'accept-encoding': 'br;q=0.5, gzip;q=0.9' });
    assert.equal(cacheStatus(fractional), 'MISS');
    assert.equal(fractional.headers['content-encoding'], 'br');
    assert.deepEqual(fractional.body, await fromApi('br'));
    const br = await get(other, { 'accept-encoding': 'br' });
    assert.equal(cacheStatus(br), 'HIT');
    assert.equal(br.headers['content-encoding'], 'br');
  });

  it('leaves every other path to the API, uncached', async () => {
    for (const urlPath of ['/healthz', '/', mediaPath(kept), `/feeds/${SHOW_INPUT.slug}.rss`]) {
      for (let i = 0; i < 2; i += 1) {
        const res = await get(urlPath, { 'accept-encoding': 'gzip' });
        assert.ok(res.status < 500, `${urlPath}: ${res.status}`);
        assert.equal(cacheStatus(res), undefined, `${urlPath} is not in the feed location`);
      }
    }
  });

  it('shows an unpublication in the cached feed within its validity, and at once elsewhere', async () => {
    // A fresh entry with no update in flight, so what follows is the cache's doing alone.
    for (let i = 0; cacheStatus(await feed('gzip')) !== 'HIT'; i += 1) assert.ok(i < 3);
    for (const encoding of ['br', 'identity'] as const) await feed(encoding);
    const media = await get(mediaPath(withdrawn), {}, 'HEAD');
    assert.equal(media.status, 200);

    const unpublish = await fetch(`${origin}/api/episodes/${withdrawn.id}/unpublish`, {
      method: 'POST',
      headers: { ...EDITOR_HEADERS, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(unpublish.status, 200, await unpublish.clone().text());
    const since = Date.now();
    const fromApi = await rawRequest(`${app.baseUrl}${FEED}`);
    assert.ok(!fromApi.body.toString('utf8').includes(withdrawn.publicationKey!), 'API: at once');
    const cached = await feed('gzip');
    assertFromCache(cached);
    assert.ok(decode(cached).includes(withdrawn.publicationKey!), 'nginx: still the cached feed');

    // Every variant, and the episode's file (never cached by nginx: gone within the
    // API's own 2 s), catch up; polled, not slept.
    const pending = new Set<string>(['br', 'gzip', 'identity', 'media']);
    while (pending.size && Date.now() - since < VALIDITY_MS + 3_000) {
      for (const what of [...pending]) {
        if (what === 'media') {
          if ((await get(mediaPath(withdrawn), {}, 'HEAD')).status === 404) pending.delete(what);
          continue;
        }
        const res = await feed(what as Encoding);
        assert.equal(res.status, 200);
        const text = decode(res);
        if (!text.includes(withdrawn.publicationKey!)) {
          assert.ok(text.includes(kept.publicationKey!), 'the other episode stays');
          pending.delete(what);
        }
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual([...pending], [], `caught up after ${Date.now() - since} ms`);
    const latest = await rawRequest(`${app.baseUrl}${FEED}`, {
      headers: { 'accept-encoding': 'br' },
    });
    const now = await feed('br');
    assert.equal(now.headers.etag, latest.headers.etag, 'the new render’s br variant');
    assert.deepEqual(now.body, latest.body);
  });
});
