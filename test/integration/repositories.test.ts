/** The same repository tests on both engines: one schema, one set of migrations. */
import assert from 'node:assert/strict';
import { IllegalTransitionError } from '../../src/core/episode-state.js';
import { migrateToLatest } from '../../src/db/connect.js';
import { EpisodesRepository, type NewEpisode } from '../../src/db/repositories/episodes.repo.js';
import { ListingsRepository } from '../../src/db/repositories/listings.repo.js';
import { RenditionsRepository } from '../../src/db/repositories/renditions.repo.js';
import { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import { ENGINES, openTestDb } from '../helpers/databases.js';

for (const engine of ENGINES) {
  describe(`repositories (${engine})`, function () {
    let dispose: () => Promise<void>;
    let shows: ShowsRepository;
    let episodes: EpisodesRepository;
    let renditions: RenditionsRepository;
    let listings: ListingsRepository;
    let migrateAgain: () => Promise<string[]>;

    before(async () => {
      const opened = await openTestDb(engine);
      dispose = opened.dispose;
      shows = new ShowsRepository(opened.handle.db);
      episodes = new EpisodesRepository(opened.handle.db);
      renditions = new RenditionsRepository(opened.handle.db);
      listings = new ListingsRepository(opened.handle.db);
      migrateAgain = () => migrateToLatest(opened.handle.db);
      await shows.insert({
        id: 'show1',
        slug: 'normandie',
        title: 'Normandie Numérique',
        description: 'Les « entretiens »',
        language: 'fr',
        author: 'Rédaction',
        owner: { name: 'Rédaction', email: 'r@example.org' },
        imageUrl: null,
        category: 'News',
        subcategory: null,
        explicit: false,
        type: 'episodic',
        siteUrl: 'https://example.org',
        copyright: null,
        podcastGuid: '00000000-0000-5000-8000-000000000001',
      });
    });
    after(() => dispose());

    const newEpisode = (id: string, publishedAt: string): NewEpisode => ({
      id,
      showId: 'show1',
      guid: `guid-${id}`,
      state: 'uploaded',
      article: {
        url: `https://example.org/${id}`,
        title: `L’entretien « ${id} »`,
        summary: '<p>Résumé</p>',
        author: 'Marie Lefèvre',
        publishedAt: new Date(publishedAt),
        categories: ['Événements', 'Numérique'],
        imageUrl: null,
        source: 'Normandie Actu',
        copyright: '© 2018',
        language: 'fr',
      },
      interviewees: [{ name: 'Mounir Mahjoubi', role: 'secrétaire d’État' }],
      original: {
        key: `originals/${id}/original.wav`,
        name: 'entretien « 1 ».wav',
        bytes: 3_000_000_000,
      },
    });

    it('migrations are idempotent', async () => {
      assert.deepEqual(await migrateAgain(), []);
    });

    it('round-trips an episode with French text, lists, and a size over 2 GiB', async () => {
      const inserted = await episodes.insert(newEpisode('ep1', '2018-05-31T07:30:00Z'));
      const found = await episodes.findById('ep1');
      assert.deepEqual(found, inserted);
      assert.equal(found?.article.title, 'L’entretien « ep1 »');
      assert.deepEqual(found?.article.categories, ['Événements', 'Numérique']);
      assert.deepEqual(found?.interviewees, [
        { name: 'Mounir Mahjoubi', role: 'secrétaire d’État' },
      ]);
      assert.equal(found?.original.bytes, 3_000_000_000);
      assert.equal(found?.article.publishedAt.toISOString(), '2018-05-31T07:30:00.000Z');
      assert.equal(found?.state, 'uploaded');
      assert.equal(found?.progress, 0);
    });

    it('checks transitions against the stored state', async () => {
      await assert.rejects(episodes.transition('ep1', 'published'), IllegalTransitionError);
      const processing = await episodes.transition('ep1', 'processing', { progress: 0 });
      assert.equal(processing.state, 'processing');
      await episodes.setProgress('ep1', 42.6);
      assert.equal((await episodes.findById('ep1'))?.progress, 43);
      const ready = await episodes.transition('ep1', 'ready', {
        progress: 100,
        durationSeconds: 61.5,
      });
      assert.equal(ready.durationSeconds, 61.5);
      await episodes.setProgress('ep1', 10);
      assert.equal(
        (await episodes.findById('ep1'))?.progress,
        100,
        'progress only moves while processing',
      );
    });

    it('replaces a rendition of the same profile instead of doubling it', async () => {
      const base = {
        episodeId: 'ep1',
        profile: 'mp3-128k',
        mimeType: 'audio/mpeg',
        codec: 'mp3',
        bitrateKbps: 128,
        sampleRate: 44100,
        channels: 2,
        bytes: 1234,
        durationSeconds: 61.5,
      };
      const first = await renditions.upsert({
        ...base,
        id: 'r1',
        storageKey: 'public/episodes/ep1/mp3-128k-aaaa.mp3',
        sha256: 'aaaa',
      });
      assert.equal(first.replacedKey, null);
      const second = await renditions.upsert({
        ...base,
        id: 'r2',
        bytes: 999,
        storageKey: 'public/episodes/ep1/mp3-128k-bbbb.mp3',
        sha256: 'bbbb',
      });
      assert.equal(second.replacedKey, 'public/episodes/ep1/mp3-128k-aaaa.mp3');
      const listed = await renditions.listByEpisode('ep1');
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.bytes, 999);
      assert.equal((await renditions.listByEpisodes(['ep1', 'none'])).get('ep1')?.length, 1);
    });

    it('lists a show’s episodes by state, newest article first, and finds stuck ones', async () => {
      await episodes.insert(newEpisode('ep2', '2019-01-01T00:00:00Z'));
      await episodes.insert(newEpisode('ep3', '2017-01-01T00:00:00Z'));
      await episodes.transition('ep2', 'processing');
      await episodes.transition('ep2', 'ready');
      const ready = await episodes.listByShow('show1', ['ready']);
      assert.deepEqual(
        ready.map((e) => e.id),
        ['ep2', 'ep1'],
      );
      const stuck = await episodes.listStuck(new Date(Date.now() + 1000));
      assert.deepEqual(
        stuck.map((e) => e.id),
        ['ep3'],
      );
    });

    it('lists the article categories of a show’s episodes once each, in French order', async () => {
      await episodes.insert({
        ...newEpisode('ep4', '2018-01-01T00:00:00Z'),
        article: {
          ...newEpisode('ep4', '2018-01-01T00:00:00Z').article,
          categories: ['Numérique', 'Économie', 'Zoom'],
        },
      });
      assert.deepEqual(await listings.categoriesOf('show1'), [
        'Économie',
        'Événements',
        'Numérique',
        'Zoom',
      ]);
      assert.deepEqual(await listings.categoriesOf('no-such-show'), []);
    });

    it('enforces one guid per episode and a known state', async () => {
      await assert.rejects(
        episodes.insert({ ...newEpisode('ep4', '2019-01-01T00:00:00Z'), guid: 'guid-ep1' }),
      );
      await assert.rejects(
        episodes.insert({ ...newEpisode('ep5', '2019-01-01T00:00:00Z'), state: 'bogus' as never }),
      );
    });
  });
}
