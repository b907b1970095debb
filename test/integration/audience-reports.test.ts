/**
 * Issue 12 reports on both engines: rows written as the aggregation job writes them,
 * read back as exact sums per day (zeros filled), app, platform, episode and article,
 * over an inclusive range of UTC days, never counting another show's rows.
 */
import assert from 'node:assert/strict';
import { AudienceReportsRepository } from '../../src/db/repositories/audience-reports.repo.js';
import { EpisodesRepository } from '../../src/db/repositories/episodes.repo.js';
import { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import { AudienceReportService } from '../../src/services/audience-reports.js';
import { ENGINES, openTestDb } from '../helpers/databases.js';
import { EP, EXPECTED, TITLES, WEEK, seedAudience, ARTICLE_A } from '../helpers/audience-rows.js';
import type { AppError } from '../../src/core/errors.js';

const show = (id: string, slug: string) => ({
  id,
  slug,
  title: `Émission « ${slug} »`,
  description: 'Les entretiens',
  language: 'fr',
  author: 'Rédaction',
  owner: { name: 'Rédaction', email: 'r@example.org' },
  imageUrl: null,
  category: 'News',
  subcategory: null,
  explicit: false,
  type: 'episodic' as const,
  siteUrl: 'https://example.org',
  copyright: null,
  podcastGuid: `00000000-0000-5000-8000-00000000000${id.length}`,
});

for (const engine of ENGINES) {
  describe(`audience reports (${engine})`, function () {
    let dispose: () => Promise<void>;
    let reports: AudienceReportService;

    before(async () => {
      const opened = await openTestDb(engine);
      dispose = opened.dispose;
      const db = opened.handle.db;
      const shows = new ShowsRepository(db);
      await shows.insert(show('showa', 'normandie'));
      await shows.insert(show('showbb', 'bretagne'));
      await seedAudience(db, 'showa', 'showbb');
      reports = new AudienceReportService({
        reports: new AudienceReportsRepository(db),
        shows,
        episodes: new EpisodesRepository(db),
      });
    });
    after(() => dispose());

    it('adds up a show’s days, apps and platforms, every day of the range listed', async () => {
      const r = await reports.forShow('normandie', WEEK);
      assert.deepEqual(r.range, WEEK);
      assert.deepEqual(r.days, EXPECTED.showDays);
      assert.deepEqual(r.totals, EXPECTED.showTotals);
      assert.deepEqual(r.apps, EXPECTED.showApps);
      assert.deepEqual(r.platforms, EXPECTED.showPlatforms);
    });

    it('ranks the show’s episodes with their article', async () => {
      const r = await reports.forShow('normandie', WEEK);
      assert.deepEqual(
        r.topEpisodes.map((e) => ({
          id: e.episodeId,
          downloads: e.downloads,
          started: e.started,
          heard30s: e.heard30s,
          completed: e.completed,
        })),
        EXPECTED.episodes,
      );
      assert.equal(r.topEpisodes[0]!.title, TITLES.e1);
      assert.equal(r.topEpisodes[0]!.articleUrl, ARTICLE_A);
    });

    it('reports one episode alone, days with listens but no download included', async () => {
      const r = await reports.forEpisode(EP.e3, WEEK);
      assert.equal(r.episode.title, TITLES.e3);
      assert.equal(r.show.slug, 'normandie');
      assert.deepEqual(r.days, EXPECTED.e3Days);
      assert.deepEqual(r.apps, EXPECTED.e3Apps);
      assert.deepEqual(r.platforms, EXPECTED.e3Platforms);
      assert.deepEqual(r.totals, { downloads: 8, started: 7, heard30s: 2, completed: 2 });
    });

    it('adds up the episodes of one article URL, titled by its latest episode', async () => {
      const r = await reports.forArticles('normandie', WEEK);
      assert.deepEqual(
        r.articles.map((a) => ({ ...a, episodes: a.episodeIds, episodeIds: undefined })),
        EXPECTED.articles.map((a) => ({ ...a, episodeIds: undefined })),
      );
    });

    it('includes both ends of the range and nothing past them', async () => {
      const oneDay = await reports.forShow('normandie', { from: '2026-11-08', to: '2026-11-08' });
      assert.deepEqual(oneDay.days, [
        { day: '2026-11-08', downloads: 50, started: 9, heard30s: 0, completed: 0 },
      ]);
      const before = await reports.forEpisode(EP.e1, { from: '2026-10-31', to: '2026-11-01' });
      assert.deepEqual(
        before.days.map((d) => d.downloads),
        [100, 8],
      );
      // A year of days, none with figures past the rows: all listed, all zero but the week's.
      const year = await reports.forShow('normandie', { from: '2026-01-01', to: '2026-12-31' });
      assert.equal(year.days.length, 365);
      assert.equal(year.totals.downloads, 100 + 24 + 50);
    });

    it('answers zeros for a show without figures, and 404 for unknown ones', async () => {
      const r = await reports.forShow('normandie', { from: '2025-01-01', to: '2025-01-03' });
      assert.deepEqual(
        r.days.map((d) => [d.day, d.downloads]),
        [
          ['2025-01-01', 0],
          ['2025-01-02', 0],
          ['2025-01-03', 0],
        ],
      );
      assert.deepEqual([r.apps, r.platforms, r.topEpisodes], [[], [], []]);
      await assert.rejects(reports.forShow('nowhere', WEEK), (e: AppError) => e.status === 404);
      await assert.rejects(reports.forEpisode('nope', WEEK), (e: AppError) => e.status === 404);
      await assert.rejects(reports.forArticles('nowhere', WEEK), (e: AppError) => e.status === 404);
    });
  });
}
