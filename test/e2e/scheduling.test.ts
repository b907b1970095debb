/**
 * Scheduled publication on real Redis (BullMQ delayed jobs) and each database:
 * the episode enters the feed at its time with no request in between, also
 * when the app restarts meanwhile, and even when Redis lost the job.
 */
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import Parser from 'rss-parser';
import { ENGINES } from '../helpers/databases.js';
import {
  createTestShow,
  removeQueueData,
  startTestApp,
  uploadEpisode,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { tone } from '../fixtures/audio.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the database says, without any HTTP request that could trigger work. */
async function stateOf(app: TestApp, id: string) {
  const row = await app.antenne.db.db
    .selectFrom('episodes')
    .select(['state', 'guid', 'show_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const render = await app.antenne.db.db
    .selectFrom('feed_renders')
    .select('storage_key')
    .where('feed_key', '=', row.show_id)
    .executeTakeFirst();
  const stored = render
    ? await text(await app.antenne.storage.openRead(`${render.storage_key}.xml`))
    : '';
  return { state: row.state, inStoredFeed: stored.includes(`>${row.guid}</guid>`) };
}

async function feedGuids(app: TestApp): Promise<string[]> {
  const xml = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`).then((r) => r.text());
  return (await new Parser().parseString(xml)).items.map((i) => i.guid ?? '');
}

for (const engine of ENGINES) {
  describe(`scheduled publication (${engine})`, function () {
    // Longer than the layer’s timeout: processes an upload, then waits for its scheduled publication.
    this.timeout(120_000);
    let app: TestApp;
    let id: string;
    let guid: string;

    const schedule = async (inMs: number) => {
      const at = new Date(Date.now() + inMs);
      const res = await app.authed(`/api/episodes/${id}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at: at.toISOString() }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { state: string; scheduledAt: string };
      assert.equal(body.state, 'scheduled');
      assert.equal(body.scheduledAt, at.toISOString());
      return at;
    };
    /** Published: in the database, the stored feed and the served one. */
    const assertPublished = async () => {
      assert.deepEqual(await stateOf(app, id), { state: 'published', inStoredFeed: true });
      assert.deepEqual(await feedGuids(app), [guid]);
    };
    /**
     * Waits for `at`, then until the database and the stored feed say published (read
     * directly: no HTTP request that could trigger work) or 2 s more have passed; the
     * caller then asserts. As waiting out those 2 s, but it returns at the publication.
     */
    const untilPublishedOrTwoSecondsPast = async (at: Date) => {
      await sleep(at.getTime() - Date.now());
      const deadline = at.getTime() + 2000;
      for (;;) {
        const now = await stateOf(app, id);
        if ((now.state === 'published' && now.inStoredFeed) || Date.now() >= deadline) return;
        await sleep(Math.min(100, deadline - Date.now()));
      }
    };
    const unpublish = async () => {
      const res = await app.authed(`/api/episodes/${id}/unpublish`, { method: 'POST' });
      assert.equal(res.status, 200);
    };

    before(async () => {
      app = await startTestApp({ engine, durable: true });
      await createTestShow(app);
      const upload = await uploadEpisode(app, await tone(3), { title: 'Sous embargo « 8 h »' });
      ({ id, guid } = (await upload.json()) as { id: string; guid: string });
      assert.equal((await waitForEpisode(app.baseUrl, id)).state, 'ready');
    });
    after(async () => {
      await app?.close();
    });

    it('publishes at the scheduled time with no request in between', async () => {
      const at = await schedule(2500);
      assert.deepEqual(await feedGuids(app), [], 'not before its time');
      await untilPublishedOrTwoSecondsPast(at);
      await assertPublished();
    });

    it('publishes at its time after an app restart in the meantime', async () => {
      await unpublish();
      // Room for a slow PGlite boot on a busy machine: the restart must end before the time.
      const at = await schedule(10_000);
      const state = await app.stop();
      await sleep(500);
      app = await startTestApp({ engine, restart: state });
      assert.ok(Date.now() < at.getTime() - 1000, 'the restart ended before the scheduled time');
      assert.equal((await stateOf(app, id)).state, 'scheduled', 'still waiting after the restart');
      await untilPublishedOrTwoSecondsPast(at);
      await assertPublished();
    });

    it('publishes at boot when the time passed while the app was down and Redis lost the job', async () => {
      await unpublish();
      const at = await schedule(1500);
      const state = await app.stop();
      await removeQueueData(state.queuePrefix);
      await sleep(at.getTime() - Date.now() + 500);
      app = await startTestApp({ engine, restart: state });
      await assertPublished();
    });

    it('does not publish an episode unpublished before its time', async () => {
      await unpublish();
      await schedule(1500);
      await unpublish();
      await sleep(3500);
      assert.equal((await stateOf(app, id)).state, 'unpublished');
      assert.deepEqual(await feedGuids(app), []);
    });
  });
}
