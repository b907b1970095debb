/**
 * Offloaded delivery: media in a private bucket on a real S3-protocol server
 * (s3rver), MEDIA_REDIRECT=storage and MEDIA_PUBLIC_URL (a CDN in front of
 * /media). Media URLs are on MEDIA_PUBLIC_URL with /media's paths; /media decides
 * as always, then answers 302 to a short-lived presigned URL, and the client's
 * Range and HEAD reach the bucket. Refusals are 404 without a redirect, never
 * cacheable; the bucket ends a presigned URL at its expiry.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { rawRequest } from '../helpers/http.js';
import { createTestShow, startTestApp, TEST_TOKEN, type TestApp } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { seededBytes } from '../fixtures/audio.js';
import { addMediaEpisode, renditionUrl, type MediaEpisode } from '../helpers/media-episodes.js';
import { PresignedReads } from '../../src/storage/presigned-urls.js';
import { startS3Server, type S3TestServer } from '../../support/s3-server.js';

const CDN = 'https://cdn.example.test/antenne-media';
const PREFIX = 'newsroom';
const FILE_BYTES = 200_000;

describe('media redirected to presigned bucket URLs (MEDIA_REDIRECT=storage, MEDIA_PUBLIC_URL)', function () {
  this.timeout(60_000);
  let s3: S3TestServer;
  let app: TestApp;
  let published: MediaEpisode;
  let draft: MediaEpisode;
  const bytes = seededBytes(FILE_BYTES, 'presigned');

  before(async () => {
    s3 = await startS3Server();
    app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { ...s3.env(PREFIX), MEDIA_REDIRECT: 'storage', MEDIA_PUBLIC_URL: CDN },
    });
    await createTestShow(app);
    published = await addMediaEpisode(app, 'published', bytes);
    draft = await addMediaEpisode(app, 'ready', bytes);
  });

  after(async () => {
    await app?.close();
    await s3?.stop();
  });

  /** What the CDN asks the origin for: the same path under Antenne's /media. */
  const atOrigin = (url: string) => {
    assert.ok(url.startsWith(`${CDN}/`), `${url} is on MEDIA_PUBLIC_URL`);
    return `${app.baseUrl}/media/${url.slice(CDN.length + 1)}`;
  };

  it('builds feed, player and API URLs on MEDIA_PUBLIC_URL with /media’s paths', async () => {
    const api = await renditionUrl(app.baseUrl, published.id, TEST_TOKEN);
    assert.equal(api, `${CDN}/p/${published.publicationKey}/${published.key}`);
    assert.match(
      await renditionUrl(app.baseUrl, draft.id, TEST_TOKEN),
      /^https:\/\/cdn\.example\.test\/antenne-media\/public\/episodes\/.+\?expires=/,
    );

    const show = await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug);
    await app.antenne.feedPublisher.renderAndStore(show!.id);
    const feed = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`).then((r) => r.text());
    // Audience counting (on by default) puts its redirect in front of the CDN for audio:
    // the same path on this server (test/e2e/audience-offloaded.test.ts).
    const counted = `${app.baseUrl}/listen/${api.slice(CDN.length + 1)}`;
    assert.ok(
      feed.includes(`url="${counted}"`),
      'the enclosure goes through the counting redirect',
    );

    const embed = await fetch(`${app.baseUrl}/embed/episodes/${published.id}`).then((r) =>
      r.text(),
    );
    assert.ok(embed.includes(`${counted}?via=player`), 'the player plays through it too');
    const redirect = await fetch(counted, { redirect: 'manual' });
    assert.equal(redirect.headers.get('location'), api, 'to MEDIA_PUBLIC_URL');
  });

  it('redirects a published file to the bucket, where Range and HEAD work', async () => {
    const url = atOrigin(await renditionUrl(app.baseUrl, published.id, TEST_TOKEN));

    const redirect = await fetch(url, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('cache-control'), 'no-store');
    const location = new URL(redirect.headers.get('location')!);
    assert.equal(location.origin, s3.endpoint, 'to the bucket');
    assert.equal(location.pathname, `/${s3.bucket}/${PREFIX}/${published.key}`);
    assert.ok(location.searchParams.get('X-Amz-Signature'), 'presigned');
    const lifetime = Number(location.searchParams.get('X-Amz-Expires'));
    assert.ok(lifetime >= 600 && lifetime <= 720, `a short expiry: ${lifetime} s`);

    const ranged = await fetch(url, { headers: { range: 'bytes=1000-4999' } });
    assert.equal(ranged.status, 206);
    assert.ok(ranged.redirected, 'followed to the bucket');
    assert.equal(ranged.headers.get('content-range'), `bytes 1000-4999/${FILE_BYTES}`);
    assert.equal(ranged.headers.get('content-type'), 'audio/mpeg');
    assert.equal(ranged.headers.get('cache-control'), 'public, max-age=300');
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(1000, 5000));

    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(head.redirected);
    assert.equal(head.headers.get('content-length'), String(FILE_BYTES));
    assert.equal(head.headers.get('accept-ranges'), 'bytes');

    // The same URL for a while: caches keep one copy.
    const second = await fetch(url, { redirect: 'manual' });
    assert.equal(second.headers.get('location'), redirect.headers.get('location'));
  });

  it('redirects an editor’s signed URL with the signature’s own expiry', async () => {
    const signed = atOrigin(await renditionUrl(app.baseUrl, draft.id, TEST_TOKEN));
    const expires = Number(new URL(signed).searchParams.get('expires'));
    const redirect = await fetch(signed, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const location = new URL(redirect.headers.get('location')!);
    const signedAt = Date.parse(
      location.searchParams
        .get('X-Amz-Date')!
        .replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    assert.equal(signedAt / 1000 + Number(location.searchParams.get('X-Amz-Expires')), expires);

    const ranged = await fetch(signed, { headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(0, 100));
  });

  it('sends text media (peaks, chapters, transcripts) itself, compressed: no redirect for them', async () => {
    const key = `public/episodes/${published.id}/player-peaks-0123456789ab.json`;
    const json = JSON.stringify({ data: Array.from({ length: 2000 }, (_, i) => (i * 7) % 128) });
    await app.antenne.storage.putBytes(key, json);
    const url = `${app.baseUrl}/media/p/${published.publicationKey}/${key}`;
    const res = await rawRequest(url, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.location, undefined);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(String(res.headers.vary), /Accept-Encoding/i);
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.equal(gunzipSync(res.body).toString(), json);
  });

  it('refuses without a redirect, uncacheable; the bucket ends presigned URLs at their expiry', async () => {
    const signed = atOrigin(await renditionUrl(app.baseUrl, draft.id, TEST_TOKEN));
    for (const url of [
      signed.slice(0, signed.indexOf('?')),
      `${app.baseUrl}/media/p/${published.publicationKey}/${draft.key}`,
      `${app.baseUrl}/media/p/guessedguessedguessed0/${published.key}`,
    ]) {
      const refused = await fetch(url, { redirect: 'manual' });
      assert.equal(refused.status, 404, url);
      assert.equal(refused.headers.get('location'), null);
      assert.equal(refused.headers.get('cache-control'), 'no-store');
      await refused.arrayBuffer();
    }

    // The bucket ends a presigned URL at its expiry (s3rver checks that much; it checks neither
    // SigV4 signatures nor privacy, which a real bucket does).
    const hourAgo = Date.now() - 3600_000;
    const stale = await new PresignedReads({
      client: s3.client(),
      bucket: s3.bucket,
      prefix: `${PREFIX}/`,
      now: () => hourAgo,
    }).url(published.key, { until: hourAgo / 1000 + 600, cacheControl: 'no-store' });
    const expired = await fetch(stale);
    assert.equal(expired.status, 403, 'an expired presigned URL is refused');
    await expired.arrayBuffer();
  });
});
