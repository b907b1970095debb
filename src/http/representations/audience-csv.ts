/**
 * Audience reports as spreadsheet tables (CSV). Column names are stable English ids,
 * as the JSON fields; app and platform are ids too, so a sheet built on an export
 * keeps working in either language.
 */
import { toCsv, type CsvCell, type CsvSeparator } from '../../core/csv.js';
import type {
  ArticlesAudience,
  EpisodeAudience,
  ShowAudience,
} from '../../services/audience-reports.js';

export type CsvTable = 'day' | 'app' | 'platform';

const LISTENS = ['started', 'heard_30s', 'completed'] as const;

/** One table of a show's or an episode's report. */
export function breakdownCsv(
  report: ShowAudience | EpisodeAudience,
  by: CsvTable,
  separator: CsvSeparator,
): string {
  let rows: CsvCell[][];
  if (by === 'app') rows = [['app', 'downloads'], ...report.apps.map((a) => [a.app, a.downloads])];
  else if (by === 'platform')
    rows = [['platform', 'downloads'], ...report.platforms.map((p) => [p.platform, p.downloads])];
  else
    rows = [
      ['day', 'downloads', ...LISTENS],
      ...report.days.map((d) => [d.day, d.downloads, d.started, d.heard30s, d.completed]),
    ];
  return toCsv(rows, separator);
}

export function articlesCsv(report: ArticlesAudience, separator: CsvSeparator): string {
  return toCsv(
    [
      ['article_url', 'title', 'episodes', 'downloads', ...LISTENS],
      ...report.articles.map((a) => [
        a.articleUrl,
        a.title,
        a.episodeIds.join(' '),
        a.downloads,
        a.started,
        a.heard30s,
        a.completed,
      ]),
    ],
    separator,
  );
}
