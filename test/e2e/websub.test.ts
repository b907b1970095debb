/**
 * Issue 13, "tell apps at once": with a WebSub hub configured, every feed names
 * it (`<atom:link rel="hub">`), and every change of a show's feeds (a
 * publication, an edit, a correction of the audio) makes a BullMQ job post a
 * publish ping for the feed URL to the hub, after the new feed is stored: a hub
 * started here on 127.0.0.1 receives it and reads the changed feed (after a
 * correction: the note and the new enclosure, real audio cut by the worker).
 * The ping goes through the SSRF-safe fetcher: a hub on a loopback address is
 * refused unless WEBSUB_ALLOW_PRIVATE says otherwise, the job then failing at
 * once with a sentence saying why.
 */
import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { XMLParser } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { ENGINES } from '../helpers/databases.js';
import {
  MP3_ONLY_LADDER,
  uploadEpisode,
  useTestApp,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { waitForVersion } from '../helpers/corrections.js';
import { addMediaEpisode } from '../helpers/media-episodes.js';
import { startTestHub, type TestHub } from '../helpers/websub-hub.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { interview } from '../fixtures/audio.js';

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
    // Of the renditions, only the MP3 (the enclosure) is read: the show encodes it alone.
    const app = useTestApp(
      () => ({
        engine,
        env: { WEBSUB_HUB_URL: hub.url, WEBSUB_ALLOW_PRIVATE: 'true' },
      }),
      { ladder: MP3_ONLY_LADDER },
    );
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
      it('pings after a correction, the corrected feed already served: note and new enclosure', async function () {
        // Real audio processed twice by the worker (the upload, then the cut): longer than the layer’s 60 s.
        this.timeout(180_000);
        const title = 'Entretien « à rectifier »';
        const upload = await uploadEpisode(app, await interview(), { title });
        assert.equal(upload.status, 202, await upload.clone().text());
        const { id } = (await upload.json()) as { id: string };
        const ready = await waitForEpisode(app.baseUrl, id, undefined, 120_000);
        assert.equal(ready.state, 'ready', String(ready.failureReason));
        const published = await app.authed(`/api/episodes/${id}/publish`, json({}));
        assert.equal(published.status, 200, await published.clone().text());
        const announced = await hub.next((p) => p.feed.includes(title));
        const guid = String(ready.guid);
        const itemOf = async (xml: string) => {
          const feed = await new Parser<object, { contentEncoded: string }>({
            customFields: { item: [['content:encoded', 'contentEncoded']] as never },
          }).parseString(xml);
          const item = feed.items.find((i) => i.guid === guid);
          assert.ok(item, `item ${guid} in the feed`);
          return item;
        };
        const oldUrl = (await itemOf(announced.feed)).enclosure!.url;

        // No ping left to come from before: every ping from here on follows the correction.
        const feeds = app.antenne.producer.queue('feeds');
        const pending = ['waiting', 'delayed', 'active', 'prioritized'] as const;
        while ((await feeds.getJobs([...pending])).some((j) => j.name === 'websub-ping'))
          await new Promise((r) => setTimeout(r, 100));
        const seen = hub.pings.length;
        const note = 'Un passage « inexact » a été retiré à la demande de l’invitée.';
        const corrected = await app.authed(
          `/api/episodes/${id}/corrections`,
          json({ cuts: [{ start: '0:01', end: '0:02' }], reason: 'Citation inexacte', note }),
        );
        assert.equal(corrected.status, 202, await corrected.clone().text());
        const v2 = await waitForVersion(app, id, 2);
        assert.equal(v2.state, 'live', String(v2.failureReason));
        const ping = await hub.next((p) => hub.pings.indexOf(p) >= seen);
        assert.equal(ping.mode, 'publish');
        assert.equal(ping.url, feedUrl());

        // What the hub read on that ping is the corrected feed, as served now.
        const item = await itemOf(ping.feed);
        const served = await itemOf(await (await fetch(feedUrl())).text());
        assert.ok(item.contentEncoded.includes(note), item.contentEncoded);
        assert.match(item.contentEncoded, /Rectificatif du \d{1,2} \S+ \d{4}/);
        const newUrl = item.enclosure!.url;
        assert.notEqual(newUrl, oldUrl, 'a new enclosure URL');
        assert.equal(newUrl, served.enclosure!.url);
        assert.ok(!ping.feed.includes(oldUrl), 'the old enclosure is no longer listed');
      });

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
