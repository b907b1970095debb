/**
 * Feed items rendered once per revision (feed_item_fragments), on both engines:
 * a rebuild renders only the items whose inputs changed, any process reuses the
 * stored ones, and the document is the same bytes as a render from scratch.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/core/logger.js';
import { mediaBase } from '../../src/core/urls.js';
import type { Db } from '../../src/db/connect.js';
import { FeedBuildsRepository } from '../../src/db/repositories/feed-builds.repo.js';
import { FeedFragmentsRepository } from '../../src/db/repositories/feed-fragments.repo.js';
import { FeedsRepository } from '../../src/db/repositories/feeds.repo.js';
import { PublishingRepository } from '../../src/db/repositories/publishing.repo.js';
import { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import { FeedPublishingService } from '../../src/services/feed-publishing.js';
import { LocalDiskStorage } from '../../src/storage/local-disk.js';
import { addEpisodes } from '../../support/bulk-episodes.js';
import { ENGINES, openTestDb } from '../helpers/databases.js';

const PUBLIC = 'https://podcasts.example.org';
const SHOW = 'show-fragments';
const SLUG = 'normandie-fragments';

for (const engine of ENGINES) {
  describe(`feed item fragments (${engine})`, function () {
    let dispose: () => Promise<void>;
    let db: Db;
    let dir: string;
    let publishing: PublishingRepository;
    let ids: string[];

    /** A publisher as one process has it; a new one holds no item (another process, a restart). */
    const publisher = (
      options: { itemRendererVersion?: string; media?: string; audio?: string } = {},
    ) =>
      new FeedPublishingService({
        feeds: new FeedsRepository(db),
        builds: new FeedBuildsRepository(db),
        fragments: new FeedFragmentsRepository(db),
        storage: new LocalDiskStorage(dir),
        publicUrl: PUBLIC,
        mediaBase: mediaBase(options.media ?? `${PUBLIC}/media`),
        ...(options.audio ? { audioBase: mediaBase(options.audio) } : {}),
        logger: createLogger({ level: 'silent', pretty: false }),
        soundbites: (episodeIds) =>
          Promise.resolve(
            new Map(
              episodeIds
                .filter((id) => id === ids[3])
                .map((id) => [id, [{ startTime: 12, duration: 20, title: 'Extrait « choisi »' }]]),
            ),
          ),
        ...(options.itemRendererVersion
          ? { itemRendererVersion: options.itemRendererVersion }
          : {}),
      });

    /** The stored show feed and one topic feed, as served. */
    const served = async (service: FeedPublishingService) => {
      const feed = (await service.get(SLUG))!;
      const topic = (await service.get(SLUG, 'numerique'))!;
      return { feed: feed.body.toString(), topic: topic.body.toString(), etag: feed.etag };
    };

    /** Equal to a render of every item from scratch (the way before items were kept). */
    const assertSameAsScratch = async (service: FeedPublishingService) => {
      const incremental = await served(service);
      const scratch = publisher();
      const stats = await scratch.renderAndStore(SHOW, { fromScratch: true });
      assert.equal(stats.itemCounts.rendered, ids.length);
      const full = await served(scratch);
      assert.equal(incremental.feed, full.feed);
      assert.equal(incremental.topic, full.topic);
      assert.equal(incremental.etag, full.etag);
    };

    const fragmentRows = async () =>
      new Map(
        (
          await db
            .selectFrom('feed_item_fragments')
            .select(['episode_id', 'fragment_key', 'body'])
            .execute()
        ).map((r) => [r.episode_id, r]),
      );

    before(async () => {
      const opened = await openTestDb(engine);
      dispose = opened.dispose;
      db = opened.handle.db;
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-fragments-'));
      publishing = new PublishingRepository(db);
      await new ShowsRepository(db).insert({
        id: SHOW,
        slug: SLUG,
        title: 'Normandie « fragments »',
        description: 'Les entretiens de la rédaction',
        language: 'fr',
        author: 'La rédaction',
        owner: { name: 'La rédaction', email: 'podcast@example.org' },
        imageUrl: 'https://example.org/artwork.jpg',
        category: 'News',
        subcategory: null,
        explicit: false,
        type: 'episodic',
        siteUrl: 'https://example.org/',
        copyright: null,
        podcastGuid: '00000000-0000-5000-8000-000000000002',
      });
      await addEpisodes(db, SHOW, 0, 12);
      ids = (
        await db
          .selectFrom('episodes')
          .select('id')
          .orderBy('published_at', 'desc')
          .orderBy('id')
          .execute()
      ).map((r) => r.id);
      await new FeedsRepository(db).insertTopic({
        id: 'topic-numerique',
        showId: SHOW,
        slug: 'numerique',
        title: 'Numérique',
        category: 'Numérique',
        description: null,
        podcastGuid: '00000000-0000-5000-8000-000000000003',
      });
    });
    after(async () => {
      await dispose();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('renders every item once, stores it, and makes the same document as a render from scratch', async () => {
      const service = publisher();
      const first = await service.renderAndStore(SHOW);
      assert.deepEqual(first.itemCounts, { rendered: 12, held: 0, stored: 0 });
      assert.equal((await fragmentRows()).size, 12);
      const again = await service.renderAndStore(SHOW);
      assert.deepEqual(again.itemCounts, { rendered: 0, held: 12, stored: 0 });
      const { feed, topic } = await served(service);
      assert.equal(feed.match(/<item>/g)?.length, 12);
      assert.equal(topic.match(/<item>/g)?.length, 6, 'every other episode is “Numérique”');
      assert.match(feed, /<podcast:soundbite startTime="12" duration="20">Extrait « choisi »/);
      await assertSameAsScratch(service);
    });

    it('re-renders only the edited episode’s item, in any process', async () => {
      const service = publisher();
      await service.renderAndStore(SHOW);
      const before = await fragmentRows();
      await publishing.patchEpisode(ids[5]!, { title: 'Titre corrigé « ok » & <vérifié>' });
      const stats = await service.renderAndStore(SHOW);
      assert.deepEqual(stats.itemCounts, { rendered: 1, held: 11, stored: 0 });
      const after = await fragmentRows();
      for (const id of ids) {
        if (id === ids[5])
          assert.notEqual(after.get(id)!.fragment_key, before.get(id)!.fragment_key);
        else assert.deepEqual(after.get(id), before.get(id), `${id} untouched`);
      }
      assert.match(after.get(ids[5]!)!.body!, /Titre corrigé « ok » &amp; &lt;vérifié&gt;/);
      // Another process holds nothing: it takes every item from the table, renders none.
      const other = publisher();
      const fromTable = await other.renderAndStore(SHOW);
      assert.deepEqual(fromTable.itemCounts, { rendered: 0, held: 0, stored: 12 });
      await assertSameAsScratch(other);
    });

    it('re-renders an item when its renditions or its publication key change, even with updated_at unchanged', async () => {
      const service = publisher();
      await service.renderAndStore(SHOW);
      await db
        .updateTable('renditions')
        .set({ bytes: 12_345_678 })
        .where('episode_id', '=', ids[1]!)
        .execute();
      await db
        .updateTable('episodes')
        .set({ publication_key: 'anotherpublicationkey0' })
        .where('id', '=', ids[2]!)
        .execute();
      const stats = await service.renderAndStore(SHOW);
      assert.deepEqual(stats.itemCounts, { rendered: 2, held: 10, stored: 0 });
      const { feed } = await served(service);
      assert.match(feed, /length="12345678"/);
      assert.match(feed, /\/media\/p\/anotherpublicationkey0\//);
      await assertSameAsScratch(service);
    });

    it('re-renders every item when a show field that items show changes, none for a channel-only field', async () => {
      const service = publisher();
      await service.renderAndStore(SHOW);
      await publishing.patchShow(SHOW, { title: 'Normandie « nouveau titre »' });
      const channelOnly = await service.renderAndStore(SHOW);
      assert.deepEqual(channelOnly.itemCounts, { rendered: 0, held: 12, stored: 0 });
      assert.match((await served(service)).feed, /Normandie « nouveau titre »/);
      await publishing.patchShow(SHOW, { author: 'Rédaction de Caen' });
      const itemField = await service.renderAndStore(SHOW);
      assert.deepEqual(itemField.itemCounts, { rendered: 12, held: 0, stored: 0 });
      await assertSameAsScratch(service);
    });

    it('re-renders every item for another renderer version, media base URL or audio base URL', async () => {
      await publisher().renderAndStore(SHOW);
      const bumped = await publisher({ itemRendererVersion: 'items-test-2' }).renderAndStore(SHOW);
      assert.deepEqual(bumped.itemCounts, { rendered: 12, held: 0, stored: 0 });
      const cdn = publisher({
        itemRendererVersion: 'items-test-2',
        media: 'https://cdn.example.org/media',
      });
      const moved = await cdn.renderAndStore(SHOW);
      assert.deepEqual(moved.itemCounts, { rendered: 12, held: 0, stored: 0 });
      assert.match((await served(cdn)).feed, /url="https:\/\/cdn\.example\.org\/media\/p\//);
      // Enclosures through the audience counting redirect: another URL, so every item again.
      const counted = publisher({
        itemRendererVersion: 'items-test-2',
        media: 'https://cdn.example.org/media',
        audio: `${PUBLIC}/listen`,
      });
      const redirected = await counted.renderAndStore(SHOW);
      assert.deepEqual(redirected.itemCounts, { rendered: 12, held: 0, stored: 0 });
      assert.match((await served(counted)).feed, /url="https:\/\/[^"]+\/listen\/p\//);
      // Back to the current renderer: its items were overwritten, so rendered again.
      const back = await publisher().renderAndStore(SHOW);
      assert.deepEqual(back.itemCounts, { rendered: 12, held: 0, stored: 0 });
    });

    it('drops an item from the feeds and the table with its episode, and follows topic changes', async () => {
      const service = publisher();
      await service.renderAndStore(SHOW);
      // The newest episode leaves the “Numérique” topic; the oldest is deleted.
      await publishing.patchEpisode(ids[0]!, { categories: ['Économie'] });
      await db.deleteFrom('renditions').where('episode_id', '=', ids[11]!).execute();
      await db.deleteFrom('episodes').where('id', '=', ids.pop()!).execute();
      const stats = await service.renderAndStore(SHOW);
      assert.deepEqual(stats.itemCounts, { rendered: 1, held: 10, stored: 0 });
      assert.equal((await fragmentRows()).size, 11, 'its fragment went with it');
      const { feed, topic } = await served(service);
      assert.equal(feed.match(/<item>/g)?.length, 11);
      assert.equal(topic.match(/<item>/g)?.length, 5);
      assert.doesNotMatch(topic, /Entretien n° 11 /);
      await assertSameAsScratch(service);
    });

    it('stores items of episodes deleted since the snapshot without failing the rebuild', async () => {
      const repo = new FeedFragmentsRepository(db);
      await repo.save([
        {
          episodeId: ids[0]!,
          key: 'k-alive',
          body: '<title>x</title>\n',
          categories: ['Économie'],
        },
        { episodeId: 'deleted-meanwhile', key: 'k-gone', body: null, categories: [] },
      ]);
      const found = await repo.find([ids[0]!, 'deleted-meanwhile']);
      assert.deepEqual([...found.keys()], [ids[0]]);
      assert.deepEqual(found.get(ids[0]!)!.categories, ['Économie']);
    });
  });
}
