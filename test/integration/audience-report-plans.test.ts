/**
 * Issue 12 reports stay cheap as the tables grow: on PostgreSQL, with a year of rows for
 * forty shows, every query of a show's and an episode's report reads through the
 * (show_id, day) or (episode_id, day) indexes, never a scan of a whole audience table.
 */
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { addDays } from '../../src/core/audience-range.js';
import { connectDb, migrateToLatest } from '../../src/db/connect.js';
import { AudienceReportsRepository } from '../../src/db/repositories/audience-reports.repo.js';
import { EpisodesRepository } from '../../src/db/repositories/episodes.repo.js';
import { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import type { Database } from '../../src/db/schema.js';
import { AudienceReportService } from '../../src/services/audience-reports.js';
import { createScratchDatabase } from '../helpers/databases.js';
import { insertEpisodeRow } from '../helpers/audience-rows.js';

const SHOWS = 40;
const APPS = ['apple-podcasts', 'spotify', 'antennapod'];

describe('audience report queries use the indexes (postgres)', function () {
  this.timeout(120_000);
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let logged: Kysely<Database>;
  const queries: CompiledQuery[] = [];

  before(async () => {
    scratch = await createScratchDatabase();
    const handle = await connectDb({ databaseUrl: scratch.url });
    await migrateToLatest(handle.db);
    const db = handle.db;
    for (let s = 0; s < SHOWS; s++) {
      await new ShowsRepository(db).insert({
        id: `show${s}`,
        slug: `show-${s}`,
        title: `Émission ${s}`,
        description: 'Entretiens',
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
        podcastGuid: `00000000-0000-5000-8000-${String(s).padStart(12, '0')}`,
      });
      await insertEpisodeRow(db, {
        id: `ep${s}`,
        showId: `show${s}`,
        title: `Entretien ${s}`,
        articleUrl: `https://example.org/${s}`,
        publishedAt: '2026-01-01T00:00:00Z',
      });
    }
    const days = Array.from({ length: 365 }, (_, i) => addDays('2026-01-01', i));
    for (let s = 0; s < SHOWS; s++) {
      await db
        .insertInto('audience_downloads')
        .values(
          days.flatMap((day) =>
            APPS.map((app, i) => ({
              day,
              episode_id: `ep${s}`,
              show_id: `show${s}`,
              app,
              platform: 'ios',
              downloads: i + 1,
            })),
          ),
        )
        .execute();
      await db
        .insertInto('audience_listens')
        .values(
          days.flatMap((day) =>
            (['started', 'heard-30s', 'completed'] as const).map((milestone) => ({
              day,
              episode_id: `ep${s}`,
              show_id: `show${s}`,
              milestone,
              listens: 1,
            })),
          ),
        )
        .execute();
    }
    await handle.close();
    const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
    await pool.query('analyze');
    logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === 'query') queries.push(event.query);
      },
    });
  });
  after(async () => {
    await logged?.destroy();
    await scratch?.drop();
  });

  it('reads a month of one show, and of one episode, through the indexes', async () => {
    const reports = new AudienceReportService({
      reports: new AudienceReportsRepository(logged),
      shows: new ShowsRepository(logged),
      episodes: new EpisodesRepository(logged),
    });
    const month = { from: '2026-06-01', to: '2026-06-30' };
    queries.length = 0;
    const show = await reports.forShow('show-7', month);
    const articles = await reports.forArticles('show-7', month);
    const episode = await reports.forEpisode('ep7', month);
    // The figures are right, so the plans are those of real reports.
    assert.equal(show.totals.downloads, 30 * (1 + 2 + 3));
    assert.equal(episode.totals.started, 30);
    assert.equal(articles.articles[0]?.downloads, 180);

    const audienceQueries = queries.filter((q) => /from audience_/.test(q.sql));
    assert.ok(audienceQueries.length >= 6, `${audienceQueries.length} queries`);
    for (const q of audienceQueries) {
      const { rows } = await logged.executeQuery<{ 'QUERY PLAN': string }>({
        ...q,
        sql: `explain ${q.sql}`,
      });
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.doesNotMatch(plan, /Seq Scan on audience_/, `${q.sql}\n${plan}`);
      assert.match(plan, /Index (Only )?Scan|Bitmap Index Scan/, plan);
    }
  });
});
