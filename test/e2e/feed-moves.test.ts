/**
 * Issue 13, "moving a feed": a show whose slug changes keeps its listeners. Its
 * former feed URLs (show and topic feeds) answer 301 to the new ones, the feed
 * there carries `itunes:new-feed-url` with its new URL (read back by a feed
 * parser, as apps read it) and the same `podcast:guid`, and the former slug
 * stays the show's while it redirects. A show moving to another host declares
 * its feed URL there: the feed here keeps being served and announces it.
 */
import assert from 'node:assert/strict';
import Parser from 'rss-parser';
import { ENGINES } from '../helpers/databases.js';
import { createTestShow, startTestApp, useTestApp, type TestApp } from '../helpers/app.js';
import { addMediaEpisode } from '../helpers/media-episodes.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';

type Channel = { newFeedUrl?: string; podcastGuid?: string; items: unknown[] };
const parser = new Parser<Channel>({
  customFields: {
    feed: [
      ['itunes:new-feed-url', 'newFeedUrl'],
      ['podcast:guid', 'podcastGuid'],
    ] as never,
  },
});

const NEW_SLUG = 'normandie-numerique-2';
const ELSEWHERE = 'https://podcasts.example.net/normandie/feed.xml';

for (const engine of ENGINES) {
  describe(`moving a feed (${engine})`, () => {
    const app = useTestApp({ engine });
    const feed = (slug: string, topic?: string) =>
      `${app.baseUrl}/feeds/${slug}${topic ? `/${topic}` : ''}.xml`;
    const move = (slug: string, body: unknown) =>
      app.authed(`/api/shows/${slug}/feed-location`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    let guid: string | undefined;

    before(async () => {
      await addMediaEpisode(app, 'published', Buffer.alloc(4096, 1));
      // A topic feed of a category no episode has: its URL moves with the show's.
      const topic = await app.authed(`/api/shows/${SHOW_INPUT.slug}/topics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'tout', title: 'Tout « le reste »', category: 'Divers' }),
      });
      assert.equal(topic.status, 201, await topic.clone().text());
      const before = await parser.parseString(await (await fetch(feed(SHOW_INPUT.slug))).text());
      guid = before.podcastGuid;
      assert.ok(guid);
      assert.equal(before.newFeedUrl, undefined);
    });

    it('moves to a new slug: the old feed URLs answer 301 to the new ones', async () => {
      const res = await move(SHOW_INPUT.slug, { slug: NEW_SLUG });
      assert.equal(res.status, 200, await res.clone().text());
      const location = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(location, {
        slug: NEW_SLUG,
        feedUrl: feed(NEW_SLUG),
        newFeedUrl: null,
        previousSlugs: [SHOW_INPUT.slug],
        redirects: [{ from: feed(SHOW_INPUT.slug), to: feed(NEW_SLUG) }],
      });
      for (const method of ['GET', 'HEAD']) {
        const old = await fetch(feed(SHOW_INPUT.slug), { method, redirect: 'manual' });
        assert.equal(old.status, 301, method);
        assert.equal(old.headers.get('location'), feed(NEW_SLUG));
      }
      const topic = await fetch(feed(SHOW_INPUT.slug, 'tout'), { redirect: 'manual' });
      assert.equal(topic.status, 301);
      assert.equal(topic.headers.get('location'), feed(NEW_SLUG, 'tout'));
    });

    it('serves the feed at the new URL with itunes:new-feed-url and the same podcast:guid', async () => {
      // Followed as an app follows it: from the old URL.
      const res = await fetch(feed(SHOW_INPUT.slug));
      assert.equal(res.status, 200);
      assert.equal(res.url, feed(NEW_SLUG));
      const moved = await parser.parseString(await res.text());
      assert.equal(moved.newFeedUrl, feed(NEW_SLUG));
      assert.equal(moved.podcastGuid, guid);
      assert.equal(moved.feedUrl, feed(NEW_SLUG));
      assert.equal(moved.items.length, 1);
      const topic = await parser.parseString(await (await fetch(feed(NEW_SLUG, 'tout'))).text());
      assert.equal(topic.newFeedUrl, feed(NEW_SLUG, 'tout'));
    });

    it('keeps the former slug from other shows while it redirects', async () => {
      const taken = await app.authed('/api/shows', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(SHOW_INPUT),
      });
      assert.equal(taken.status, 409);
      const problem = (await taken.json()) as { errors: { field: string }[] };
      assert.deepEqual(
        problem.errors.map((e) => e.field),
        ['slug'],
      );
      const other = await app.authed('/api/shows', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...SHOW_INPUT, slug: 'autre-emission' }),
      });
      assert.equal(other.status, 201);
      for (const slug of [SHOW_INPUT.slug, NEW_SLUG]) {
        const res = await move('autre-emission', { slug });
        assert.equal(res.status, 409, slug);
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      }
      const still = await fetch(feed(SHOW_INPUT.slug), { redirect: 'manual' });
      assert.equal(still.headers.get('location'), feed(NEW_SLUG));
    });

    it('lets the show take its former slug back: the newer one then redirects', async () => {
      const res = await move(NEW_SLUG, { slug: SHOW_INPUT.slug });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(((await res.json()) as { previousSlugs: string[] }).previousSlugs, [
        NEW_SLUG,
      ]);
      assert.equal((await fetch(feed(SHOW_INPUT.slug), { redirect: 'manual' })).status, 200);
      const newer = await fetch(feed(NEW_SLUG), { redirect: 'manual' });
      assert.equal(newer.status, 301);
      assert.equal(newer.headers.get('location'), feed(SHOW_INPUT.slug));
    });

    it('announces a feed on another host in the feed served here, and withdraws it', async () => {
      const res = await move(SHOW_INPUT.slug, { newFeedUrl: ELSEWHERE });
      assert.equal(res.status, 200, await res.clone().text());
      const here = await fetch(feed(SHOW_INPUT.slug), { redirect: 'manual' });
      assert.equal(here.status, 200);
      const announced = await parser.parseString(await here.text());
      assert.equal(announced.newFeedUrl, ELSEWHERE);
      assert.equal(announced.podcastGuid, guid);
      // A topic feed has no counterpart there: it keeps announcing its own URL here.
      const topic = await parser.parseString(
        await (await fetch(feed(SHOW_INPUT.slug, 'tout'))).text(),
      );
      assert.equal(topic.newFeedUrl, feed(SHOW_INPUT.slug, 'tout'));

      const withdrawn = await move(SHOW_INPUT.slug, { newFeedUrl: null });
      assert.equal(withdrawn.status, 200);
      const after = await parser.parseString(await (await fetch(feed(SHOW_INPUT.slug))).text());
      // Back to the show's own URL (it still has a former slug that redirects here).
      assert.equal(after.newFeedUrl, feed(SHOW_INPUT.slug));
    });

    it('refuses bad moves with 4xx problems naming the field', async () => {
      const cases: [unknown, number, string][] = [
        [{}, 400, 'slug'],
        [{ slug: 'Pas Un Slug' }, 400, 'slug'],
        [{ newFeedUrl: 'ftp://example.org/feed.xml' }, 400, 'newFeedUrl'],
        [{ newFeedUrl: feed('ailleurs') }, 400, 'newFeedUrl'],
        [{ title: 'x' }, 400, ''],
      ];
      for (const [body, status, field] of cases) {
        const res = await move(SHOW_INPUT.slug, body);
        assert.equal(res.status, status, JSON.stringify(body));
        const problem = (await res.json()) as { errors?: { field: string }[] };
        if (field)
          assert.ok(
            problem.errors?.some((e) => e.field === field),
            JSON.stringify(problem),
          );
      }
      assert.equal((await move('aucune-emission', { slug: 'x' })).status, 404);
    });
  });
}

describe('moving a feed, seen by another process (postgres)', () => {
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    a = await startTestApp({ engine: 'postgres', worker: false });
    const shared = await a.stop();
    // A again, and B beside it: same database, storage and Redis prefix.
    a = await startTestApp({ engine: 'postgres', worker: false, restart: shared });
    b = await startTestApp({
      engine: 'postgres',
      worker: false,
      restart: { ...shared, dropDatabase: () => Promise.resolve() },
    });
    await createTestShow(a);
  });

  after(async () => {
    await b?.stop();
    await a?.close();
  });

  it('answers 301 for the old slug once the other process renamed the show', async () => {
    const old = `${b.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`;
    // B holds the feed under its old slug.
    assert.equal((await fetch(old)).status, 200);
    const res = await a.authed(`/api/shows/${SHOW_INPUT.slug}/feed-location`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: NEW_SLUG }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    // B trusts what it holds for a moment (FeedCache's revalidation period), then sees the move.
    let answer = await fetch(old, { redirect: 'manual' });
    while (answer.status === 200) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await fetch(old, { redirect: 'manual' });
    }
    assert.equal(answer.status, 301);
    assert.equal(answer.headers.get('location'), `${b.baseUrl}/feeds/${NEW_SLUG}.xml`);
  });
});
