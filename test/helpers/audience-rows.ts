/**
 * Audience rows written straight into the tables (as the aggregation job would), and
 * one set of them the report tests share: three episodes of a show (two of them the
 * audio of one article), a week of downloads and listens, rows just outside the
 * week, and another show's rows that no report of the first may count.
 */
import type { Db } from '../../src/db/connect.js';
import { newEpisodeGuid, newPublicationKey } from '../../src/core/ids.js';

export interface DownloadRow {
  readonly day: string;
  readonly episode: string;
  readonly app: string;
  readonly platform: string;
  readonly downloads: number;
}
export interface ListenRow {
  readonly day: string;
  readonly episode: string;
  readonly milestone: 'started' | 'heard-30s' | 'completed';
  readonly listens: number;
}

/** A published episode row, without files (reports read only its article). */
export async function insertEpisodeRow(
  db: Db,
  e: { id: string; showId: string; title: string; articleUrl: string; publishedAt: string },
): Promise<void> {
  await db
    .insertInto('episodes')
    .values({
      id: e.id,
      show_id: e.showId,
      guid: newEpisodeGuid(),
      state: 'published',
      publication_key: newPublicationKey(),
      title: e.title,
      summary: '<p>Entretien.</p>',
      article_url: e.articleUrl,
      author: 'Marie Lefèvre',
      published_at: new Date(e.publishedAt),
      categories: JSON.stringify(['Numérique']),
      image_url: null,
      source: 'Normandie Actu',
      copyright: null,
      language: 'fr',
      interviewees: JSON.stringify([]),
      original_key: `originals/${e.id}/original.wav`,
      original_name: 'entretien.wav',
      original_bytes: 1000,
      duration_seconds: 600,
      failure_reason: null,
    })
    .execute();
}

export async function insertDownloads(
  db: Db,
  showOf: (episode: string) => string,
  rows: readonly DownloadRow[],
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('audience_downloads')
    .values(
      rows.map((r) => ({
        day: r.day,
        episode_id: r.episode,
        show_id: showOf(r.episode),
        app: r.app,
        platform: r.platform,
        downloads: r.downloads,
      })),
    )
    .execute();
}

export async function insertListens(
  db: Db,
  showOf: (episode: string) => string,
  rows: readonly ListenRow[],
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('audience_listens')
    .values(
      rows.map((r) => ({
        day: r.day,
        episode_id: r.episode,
        show_id: showOf(r.episode),
        milestone: r.milestone,
        listens: r.listens,
      })),
    )
    .execute();
}

/** The week the shared rows cover, and the range every report test asks for. */
export const WEEK = { from: '2026-11-01', to: '2026-11-07' } as const;

/** Article addresses and titles with what must survive JSON, CSV and HTML: accents, « », ’, ; , and quotes. */
export const ARTICLE_A = 'https://example.org/actualités/2026/11/01/numérique-à-caen';
export const ARTICLE_B = 'https://example.org/2026/11/02/chef-de-file?source=rss&lang=fr';

/** Ids are fixed so the expected figures can name them. */
export const EP = { e1: 'audep1', e2: 'audep2', e3: 'audep3', other: 'audep4' } as const;

export const TITLES = {
  e1: 'Entretien « numérique » à Caen',
  e2: 'Le « chef de file » ; réponse, et "guillemets" d’usage',
  e3: '=Entretien, deuxième partie',
} as const;

/**
 * Inserts the shared episodes and rows: `showId` holds e1, e2, e3, `otherShowId` holds
 * another episode whose figures must never count for the first show.
 */
export async function seedAudience(db: Db, showId: string, otherShowId: string): Promise<void> {
  await insertEpisodeRow(db, {
    id: EP.e1,
    showId,
    title: TITLES.e1,
    articleUrl: ARTICLE_A,
    publishedAt: '2026-10-30T08:00:00Z',
  });
  await insertEpisodeRow(db, {
    id: EP.e2,
    showId,
    title: TITLES.e2,
    articleUrl: ARTICLE_B,
    publishedAt: '2026-10-31T08:00:00Z',
  });
  // The second part of article A, published later: its title names the article.
  await insertEpisodeRow(db, {
    id: EP.e3,
    showId,
    title: TITLES.e3,
    articleUrl: ARTICLE_A,
    publishedAt: '2026-11-01T08:00:00Z',
  });
  await insertEpisodeRow(db, {
    id: EP.other,
    showId: otherShowId,
    title: 'Une autre émission',
    articleUrl: ARTICLE_A,
    publishedAt: '2026-10-30T08:00:00Z',
  });
  const showOf = (episode: string) => (episode === EP.other ? otherShowId : showId);
  await insertDownloads(db, showOf, [
    { day: '2026-10-31', episode: EP.e1, app: 'apple-podcasts', platform: 'ios', downloads: 100 },
    { day: '2026-11-01', episode: EP.e1, app: 'apple-podcasts', platform: 'ios', downloads: 5 },
    { day: '2026-11-01', episode: EP.e1, app: 'spotify', platform: 'android', downloads: 3 },
    { day: '2026-11-01', episode: EP.e2, app: 'antennapod', platform: 'android', downloads: 2 },
    { day: '2026-11-02', episode: EP.e1, app: 'apple-podcasts', platform: 'macos', downloads: 1 },
    { day: '2026-11-02', episode: EP.e2, app: 'gpodder', platform: 'linux', downloads: 4 },
    { day: '2026-11-02', episode: EP.e3, app: 'browser', platform: 'web', downloads: 2 },
    { day: '2026-11-04', episode: EP.e3, app: 'antenne-player', platform: 'web', downloads: 6 },
    { day: '2026-11-04', episode: EP.e1, app: 'overcast', platform: 'ios', downloads: 1 },
    { day: '2026-11-08', episode: EP.e2, app: 'spotify', platform: 'ios', downloads: 50 },
    { day: '2026-11-02', episode: EP.other, app: 'apple-podcasts', platform: 'ios', downloads: 7 },
  ]);
  await insertListens(db, showOf, [
    { day: '2026-11-01', episode: EP.e1, milestone: 'started', listens: 4 },
    { day: '2026-11-01', episode: EP.e1, milestone: 'heard-30s', listens: 3 },
    { day: '2026-11-01', episode: EP.e1, milestone: 'completed', listens: 1 },
    { day: '2026-11-03', episode: EP.e3, milestone: 'started', listens: 2 },
    { day: '2026-11-03', episode: EP.e3, milestone: 'heard-30s', listens: 2 },
    { day: '2026-11-04', episode: EP.e3, milestone: 'started', listens: 5 },
    { day: '2026-11-04', episode: EP.e3, milestone: 'completed', listens: 2 },
    { day: '2026-11-08', episode: EP.e1, milestone: 'started', listens: 9 },
    { day: '2026-11-01', episode: EP.other, milestone: 'started', listens: 8 },
  ]);
}

const zero = { downloads: 0, started: 0, heard30s: 0, completed: 0 };
const day = (d: string, f: Partial<typeof zero>) => ({ day: d, ...zero, ...f });

/** What the shared rows add up to over WEEK, worked out by hand. */
export const EXPECTED = {
  showDays: [
    day('2026-11-01', { downloads: 10, started: 4, heard30s: 3, completed: 1 }),
    day('2026-11-02', { downloads: 7 }),
    day('2026-11-03', { started: 2, heard30s: 2 }),
    day('2026-11-04', { downloads: 7, started: 5, completed: 2 }),
    day('2026-11-05', {}),
    day('2026-11-06', {}),
    day('2026-11-07', {}),
  ],
  showTotals: { downloads: 24, started: 11, heard30s: 5, completed: 3 },
  showApps: [
    { app: 'antenne-player', downloads: 6 },
    { app: 'apple-podcasts', downloads: 6 },
    { app: 'gpodder', downloads: 4 },
    { app: 'spotify', downloads: 3 },
    { app: 'antennapod', downloads: 2 },
    { app: 'browser', downloads: 2 },
    { app: 'overcast', downloads: 1 },
  ],
  showPlatforms: [
    { platform: 'web', downloads: 8 },
    { platform: 'ios', downloads: 6 },
    { platform: 'android', downloads: 5 },
    { platform: 'linux', downloads: 4 },
    { platform: 'macos', downloads: 1 },
  ],
  /** Most downloaded first. */
  episodes: [
    { id: EP.e1, downloads: 10, started: 4, heard30s: 3, completed: 1 },
    { id: EP.e3, downloads: 8, started: 7, heard30s: 2, completed: 2 },
    { id: EP.e2, downloads: 6, started: 0, heard30s: 0, completed: 0 },
  ],
  articles: [
    {
      articleUrl: ARTICLE_A,
      title: TITLES.e3,
      episodes: [EP.e1, EP.e3],
      downloads: 18,
      started: 11,
      heard30s: 5,
      completed: 3,
    },
    {
      articleUrl: ARTICLE_B,
      title: TITLES.e2,
      episodes: [EP.e2],
      downloads: 6,
      started: 0,
      heard30s: 0,
      completed: 0,
    },
  ],
  e3Days: [
    day('2026-11-01', {}),
    day('2026-11-02', { downloads: 2 }),
    day('2026-11-03', { started: 2, heard30s: 2 }),
    day('2026-11-04', { downloads: 6, started: 5, completed: 2 }),
    day('2026-11-05', {}),
    day('2026-11-06', {}),
    day('2026-11-07', {}),
  ],
  e3Apps: [
    { app: 'antenne-player', downloads: 6 },
    { app: 'browser', downloads: 2 },
  ],
  e3Platforms: [{ platform: 'web', downloads: 8 }],
} as const;
