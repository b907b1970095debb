/**
 * bench/audience-reports: how long the studio's audience reports take on a year of
 * figures (SHOWS shows × 2 episodes × 365 days × 4 apps, and the three listen
 * milestones), with the audience indexes of migration 0009 and, side by side in the
 * same run, with them dropped (the baseline: what the reports would cost without them).
 *
 *   npm run bench:audience-reports  (PGlite in memory; BENCH_DATABASE_URL=postgres://… an empty database)
 */
import { sql } from 'kysely';
import { connectDb, migrateToLatest } from '../src/db/connect.js';
import { AudienceReportsRepository } from '../src/db/repositories/audience-reports.repo.js';
import { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import { ShowsRepository } from '../src/db/repositories/shows.repo.js';
import { AudienceReportService } from '../src/services/audience-reports.js';
import { addEpisodes } from '../support/bulk-episodes.js';
import { median } from '../support/statistics.js';

const SHOWS = Number(process.env.BENCH_SHOWS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function main(): Promise<void> {
  const handle = await connectDb(
    process.env.BENCH_DATABASE_URL
      ? { databaseUrl: process.env.BENCH_DATABASE_URL }
      : { pgliteDir: 'memory://' },
  );
  const db = handle.db;
  await migrateToLatest(db);
  const shows = new ShowsRepository(db);
  for (let s = 0; s < SHOWS; s++) {
    await shows.insert({
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
    await addEpisodes(db, `show${s}`, s * 2, 2);
  }
  const started = performance.now();
  await sql`
    insert into audience_downloads (day, episode_id, show_id, app, platform, downloads)
    select d::date, e.id, e.show_id, app, 'ios', 1 + (abs(hashtext(e.id || d::text || app)) % 20)
    from episodes e,
         generate_series('2026-01-01'::date, '2026-12-31'::date, interval '1 day') d,
         unnest(array['apple-podcasts', 'spotify', 'antennapod', 'browser']) app`.execute(db);
  await sql`
    insert into audience_listens (day, episode_id, show_id, milestone, listens)
    select d::date, e.id, e.show_id, m, 1 + (abs(hashtext(e.id || d::text || m)) % 10)
    from episodes e,
         generate_series('2026-01-01'::date, '2026-12-31'::date, interval '1 day') d,
         unnest(array['started', 'heard-30s', 'completed']) m`.execute(db);
  await sql`analyze`.execute(db);
  const count = async (table: 'audience_downloads' | 'audience_listens') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  console.log(
    `${handle.engine}: ${SHOWS} shows, ${await count('audience_downloads')} download rows, ` +
      `${await count('audience_listens')} listen rows (inserted in ${Math.round(performance.now() - started)} ms)`,
  );

  const reports = new AudienceReportService({
    reports: new AudienceReportsRepository(db),
    shows,
    episodes: new EpisodesRepository(db),
  });
  const episodeId = (
    await db
      .selectFrom('episodes')
      .select('id')
      .where('show_id', '=', 'show7')
      .executeTakeFirstOrThrow()
  ).id;
  const month = { from: '2026-06-01', to: '2026-06-30' };
  const year = { from: '2026-01-01', to: '2026-12-31' };
  const cases: [string, () => Promise<unknown>][] = [
    ['show, 30 days', () => reports.forShow('show-7', month)],
    ['show, 365 days', () => reports.forShow('show-7', year)],
    ['episode, 30 days', () => reports.forEpisode(episodeId, month)],
    ['articles, 365 days', () => reports.forArticles('show-7', year)],
  ];
  const measure = async () => {
    const out: number[] = [];
    for (const [, run] of cases) {
      await run(); // warm
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      out.push(median(times));
    }
    return out;
  };
  const indexed = await measure();
  for (const index of [
    'audience_downloads_show_day_idx',
    'audience_downloads_episode_day_idx',
    'audience_listens_show_day_idx',
  ])
    await sql`drop index ${sql.ref(index)}`.execute(db);
  await sql`analyze`.execute(db);
  const baseline = await measure();

  console.log(`median of ${RUNS} runs, ms      with indexes   without (baseline)`);
  cases.forEach(([name], i) =>
    console.log(
      `${name.padEnd(28)} ${indexed[i]!.toFixed(1).padStart(12)} ${baseline[i]!.toFixed(1).padStart(20)}`,
    ),
  );
  await handle.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
