/**
 * Issue 12: downloads are counted wherever the bytes come from. With
 * MEDIA_REDIRECT=storage /media counts, then redirects to the bucket (a real
 * S3-protocol server); with MEDIA_ACCEL_REDIRECT it counts, then hands over to
 * nginx; with a CDN (MEDIA_PUBLIC_URL) feeds and the player point at the
 * counting redirect on this server, which counts, then redirects to the CDN,
 * whose pulls from /media are not listeners. Each Range request is counted by
 * its Range header, the download once.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestShow, startTestApp, type TestApp } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { seededBytes } from '../fixtures/audio.js';
import { addMediaEpisode, type MediaEpisode } from '../helpers/media-episodes.js';
import { startS3Server, type S3TestServer } from '../../support/s3-server.js';

const CDN = 'https://cdn.example.test/antenne-media';
const BYTES = 120_000;
/** 10 minutes: a minute is 12 000 bytes. */
const DURATION = 600;
const ANTENNAPOD = { 'user-agent': 'AntennaPod/3.2.0', 'x-forwarded-for': '203.0.113.77' };

async function downloads(app: TestApp, e: MediaEpisode): Promise<string[]> {
  await app.antenne.audience!.recorder.settled();
  await app.antenne.audience!.aggregator.run();
  const rows = await app.antenne.db.db
    .selectFrom('audience_downloads')
    .select([sql<string>`day::text`.as('day'), 'app', 'platform', 'downloads'])
    .where('episode_id', '=', e.id)
    .execute();
  return rows.map((r) => `${r.app} ${r.platform} ${r.downloads}`);
}

describe('audience: downloads of offloaded media', function () {
  this.timeout(60_000);
  let s3: S3TestServer;
  const bytes = seededBytes(BYTES, 'offloaded');
  before(async () => {
    s3 = await startS3Server();
  });
  after(async () => {
    await s3?.stop();
  });

  it('counts at /media before the redirect to the bucket (MEDIA_REDIRECT=storage), once', async () => {
    const app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { ...s3.env('redirect'), MEDIA_REDIRECT: 'storage', TRUST_PROXY: 'loopback' },
    });
    try {
      await createTestShow(app);
      const e = await addMediaEpisode(app, 'published', bytes, DURATION);
      const url = `${app.baseUrl}/media/p/${e.publicationKey}/${e.key}`;
      // A podcast app probing, then fetching in two ranges, each through the redirect.
      for (const range of ['bytes=0-1', 'bytes=0-7999', 'bytes=8000-']) {
        const res = await fetch(url, { headers: { ...ANTENNAPOD, range } });
        assert.equal(res.status, 206);
        assert.ok(res.redirected, 'sent by the bucket');
        await res.arrayBuffer();
      }
      const head = await fetch(url, { method: 'HEAD', headers: ANTENNAPOD });
      assert.equal(head.status, 200);
      assert.deepEqual(await downloads(app, e), ['antennapod android 1']);
    } finally {
      await app.close();
    }
  });

  it('counts at /media before handing over to nginx (MEDIA_ACCEL_REDIRECT)', async () => {
    const app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { MEDIA_ACCEL_REDIRECT: '/_protected-media/', TRUST_PROXY: 'loopback' },
    });
    try {
      await createTestShow(app);
      const e = await addMediaEpisode(app, 'published', bytes, DURATION);
      const url = `${app.baseUrl}/media/p/${e.publicationKey}/${e.key}`;
      for (const range of ['bytes=0-5999', 'bytes=0-5999']) {
        const res = await fetch(url, { headers: { ...ANTENNAPOD, range } });
        assert.ok(res.headers.get('x-accel-redirect'));
        await res.arrayBuffer();
      }
      assert.deepEqual(await downloads(app, e), [], 'the same 6 000 bytes twice');
      const res = await fetch(url, { headers: { ...ANTENNAPOD, range: 'bytes=6000-11999' } });
      await res.arrayBuffer();
      assert.deepEqual(await downloads(app, e), ['antennapod android 1']);
    } finally {
      await app.close();
    }
  });

  it('counts at the redirect in front of a CDN (MEDIA_PUBLIC_URL), not the CDN’s pulls', async () => {
    const app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: {
        ...s3.env('cdn'),
        MEDIA_REDIRECT: 'storage',
        MEDIA_PUBLIC_URL: CDN,
        TRUST_PROXY: 'loopback',
      },
    });
    try {
      await createTestShow(app);
      const e = await addMediaEpisode(app, 'published', bytes, DURATION);
      const counted = `${app.baseUrl}/listen/p/${e.publicationKey}/${e.key}`;
      const onCdn = `${CDN}/p/${e.publicationKey}/${e.key}`;

      // The feed and the player point at the counting redirect; peaks and artwork stay on the CDN.
      const show = await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug);
      await app.antenne.feedPublisher.renderAndStore(show!.id);
      const feed = await (await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`)).text();
      assert.ok(feed.includes(`url="${counted}"`), 'the enclosure is counted');
      const embed = await (await fetch(`${app.baseUrl}/embed/episodes/${e.id}`)).text();
      assert.ok(embed.includes(`${counted}?via=player`), 'the player’s audio is counted');

      for (const range of ['bytes=0-1', 'bytes=0-9999', 'bytes=10000-']) {
        const res = await fetch(counted, { headers: { ...ANTENNAPOD, range }, redirect: 'manual' });
        assert.equal(res.status, 302);
        assert.equal(res.headers.get('location'), onCdn);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        await res.arrayBuffer();
      }
      // The CDN filling its cache from /media: not a listener.
      const pull = await fetch(`${app.baseUrl}/media/p/${e.publicationKey}/${e.key}`, {
        headers: { 'user-agent': 'Amazon CloudFront', 'x-forwarded-for': '198.51.100.1' },
      });
      await pull.arrayBuffer();
      assert.deepEqual(await downloads(app, e), ['antennapod android 1']);

      // Unpublished or guessed: 404, nothing counted, no redirect.
      const guessed = await fetch(`${app.baseUrl}/listen/p/guessed0000/${e.key}`, {
        headers: ANTENNAPOD,
        redirect: 'manual',
      });
      assert.equal(guessed.status, 404);
      assert.equal(guessed.headers.get('location'), null);
    } finally {
      await app.close();
    }
  });

  it('adds the counts by the scheduled job of the worker (single-process default)', async () => {
    const app = await startTestApp({
      engine: 'pglite',
      env: { AUDIENCE_AGGREGATE_SECONDS: '1', TRUST_PROXY: 'loopback' },
    });
    try {
      await createTestShow(app);
      const e = await addMediaEpisode(app, 'published', bytes, DURATION);
      const res = await fetch(`${app.baseUrl}/media/p/${e.publicationKey}/${e.key}`, {
        headers: ANTENNAPOD,
      });
      await res.arrayBuffer();
      // Nobody calls the aggregation here: the job scheduled every second does.
      let rows: unknown[] = [];
      for (let i = 0; i < 300 && rows.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        rows = await app.antenne.db.db
          .selectFrom('audience_downloads')
          .select(['app', 'downloads'])
          .where('episode_id', '=', e.id)
          .execute();
      }
      assert.deepEqual(rows, [{ app: 'antennapod', downloads: 1 }]);
    } finally {
      await app.close();
    }
  });

  it('counts nothing and keeps media URLs as they are with AUDIENCE=off', async () => {
    const app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { MEDIA_PUBLIC_URL: CDN, AUDIENCE: 'off', TRUST_PROXY: 'loopback' },
    });
    try {
      await createTestShow(app);
      const e = await addMediaEpisode(app, 'published', bytes, DURATION);
      assert.equal(app.antenne.audience, null);
      const embed = await (await fetch(`${app.baseUrl}/embed/episodes/${e.id}`)).text();
      assert.ok(embed.includes(`${CDN}/p/${e.publicationKey}/${e.key}"`), 'no mark, on the CDN');
      assert.ok(!embed.includes('/api/listens'));
      const counted = await fetch(`${app.baseUrl}/listen/p/${e.publicationKey}/${e.key}`);
      assert.equal(counted.status, 404);
      const beacon = await fetch(`${app.baseUrl}/api/listens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ episodeId: e.id, milestone: 'started' }),
      });
      assert.equal(beacon.status, 404);
      const res = await fetch(`${app.baseUrl}/media/p/${e.publicationKey}/${e.key}`, {
        headers: ANTENNAPOD,
      });
      await res.arrayBuffer();
      const rows = await app.antenne.db.db.selectFrom('audience_downloads').selectAll().execute();
      assert.deepEqual(rows, []);
    } finally {
      await app.close();
    }
  });
});
