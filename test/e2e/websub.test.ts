/**
 * Issue 13, "tell apps at once": with a WebSub hub configured, every feed names
 * it (`<atom:link rel="hub">`), and every change of a show's feeds (a
 * publication, an edit) makes a BullMQ job post a publish ping for the feed URL
 * to the hub, after the new feed is stored: a hub started here on 127.0.0.1
 * receives it and reads the changed feed. The ping goes through the SSRF-safe
 * fetcher: a hub on a loopback address is refused unless WEBSUB_ALLOW_PRIVATE
 * says otherwise, the job then failing at once with a sentence saying why.
 */
import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { XMLParser } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { ENGINES } from '../helpers/databases.js';
import { useTestApp, type TestApp } from '../helpers/app.js';
import { addMediaEpisode } from '../helpers/media-episodes.js';
import { startTestHub, type TestHub } from '../helpers/websub-hub.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The channel's atom:link elements, by rel. */
function atomLinks(xml: string): Record<string, string> {
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
    rss: {
      channel: { 'atom:link': { rel: string; href: string }[] | { rel: string; href: string } };
    };
  };
  const links = [parsed.rss.channel['atom:link']].flat();
  return Object.fromEntries(links.map((l) => [l.rel, l.href]));
}

async function publishReadyEpisode(app: TestApp, title: string): Promise<string> {
  const { id } = await addMediaEpisode(app, 'ready', Buffer.alloc(4096, 1));
  const patched = await app.authed(`/api/episodes/${id}`, { ...json({ title }), method: 'PATCH' });
  assert.equal(patched.status, 200, await patched.clone().text());
  const published = await app.authed(`/api/episodes/${id}/publish`, json({}));
  assert.equal(published.status, 200, await published.clone().text());
  return id;
}

for (const engine of ENGINES) {
  describe(`WebSub: the hub is told of every feed change (${engine})`, () => {
    let hub: TestHub;
    before(async () => {
      hub = await startTestHub();
    });
    after(() => hub?.close());
    const app = useTestApp(() => ({
      engine,
      env: { WEBSUB_HUB_URL: hub.url, WEBSUB_ALLOW_PRIVATE: 'true' },
    }));
    const feedUrl = () => `${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`;

    it('names the hub and itself in the feed', async () => {
      const res = await fetch(feedUrl());
      assert.equal(res.status, 200);
      const links = atomLinks(await res.text());
      assert.equal(links.hub, hub.url);
      assert.equal(links.self, feedUrl());
    });

    it('pings the hub with the feed URL after a publication, the new feed already served', async () => {
      const title = 'Publié « maintenant » : l’entretien';
      await publishReadyEpisode(app, title);
      const ping = await hub.next((p) => p.feed.includes(title));
      assert.equal(ping.mode, 'publish');
      assert.equal(ping.url, feedUrl());
      assert.equal(ping.contentType, 'application/x-www-form-urlencoded');
      const feed = await new Parser().parseString(ping.feed);
      assert.ok(feed.items.some((item) => item.title === title));
    });

    it('pings again after an edit of a published episode', async () => {
      const id = await publishReadyEpisode(app, 'Avant la correction');
      await hub.next((p) => p.feed.includes('Avant la correction'));
      const corrected = 'Après la correction « du titre »';
      const res = await app.authed(`/api/episodes/${id}`, {
        ...json({ title: corrected }),
        method: 'PATCH',
      });
      assert.equal(res.status, 200, await res.clone().text());
      const ping = await hub.next((p) => p.feed.includes(corrected));
      assert.equal(ping.url, feedUrl());
    });

    if (engine === 'pglite') {
      it('tries again, as a job, when the hub answers with an error', async function () {
        // One failed attempt, then BullMQ's backoff (10 s, jittered) before the second.
        this.timeout(60_000);
        hub.failNext(1, 503);
        const title = 'Le hub était indisponible';
        await publishReadyEpisode(app, title);
        const ping = await hub.next((p) => p.feed.includes(title));
        assert.equal(ping.url, feedUrl());
        const queue = app.antenne.producer.queue('feeds');
        const jobs = (await queue.getCompleted()).filter((j) => j.name === 'websub-ping');
        assert.ok(
          jobs.some((j) => j.attemptsMade === 2),
          `attempts: ${jobs.map((j) => j.attemptsMade).join(', ')}`,
        );
      });
    }
  });

  describe(`WebSub: a hub on a private address is refused unless allowed (${engine})`, () => {
    let hub: TestHub;
    before(async () => {
      hub = await startTestHub();
    });
    after(() => hub?.close());
    const app = useTestApp(() => ({ engine, env: { WEBSUB_HUB_URL: hub.url } }));

    it('fails the ping job at once, saying why, and sends nothing', async () => {
      await publishReadyEpisode(app, 'Un hub sur la boucle locale');
      const queue = app.antenne.producer.queue('feeds');
      let failed: Job | undefined;
      while (!failed) {
        failed = (await queue.getFailed()).find((j) => j.name === 'websub-ping');
        if (!failed) await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(failed.failedReason, /127\.0\.0\.1 is a loopback address/);
      assert.match(failed.failedReason, /WEBSUB_ALLOW_PRIVATE=true/);
      assert.doesNotMatch(failed.failedReason, /\/(tmp|home|work|src)\//);
      // Refused before any connection: no retry, and the hub heard nothing.
      assert.equal(failed.attemptsMade, 1);
      assert.deepEqual(hub.pings, []);
    });
  });
}
