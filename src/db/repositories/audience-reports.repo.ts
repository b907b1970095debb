/**
 * Reads of the audience tables (0009) for the reports: sums over a range of UTC days,
 * per day, per app, per platform and per episode. The aggregation job writes them
 * (./audience.repo.ts). Every query filters on (show_id, day) or (episode_id, day),
 * the two indexes; days are read as text (`day::text`), never as local-time Dates.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../connect.js';

/** A show's figures, or one episode's of that show. */
export interface AudienceScope {
  readonly showId: string;
  readonly episodeId?: string;
}

export interface DayRangeParams {
  readonly from: string;
  readonly to: string;
}

/** What an episode or a day adds up to: IAB downloads and the player's listens by milestone. */
export interface AudienceFigures {
  readonly downloads: number;
  readonly started: number;
  readonly heard30s: number;
  readonly completed: number;
}

export interface DayFigures extends AudienceFigures {
  readonly day: string;
}

export interface EpisodeFigures extends AudienceFigures {
  readonly episodeId: string;
  readonly title: string;
  readonly articleUrl: string;
  readonly publishedAt: Date;
}

type Figures<K extends string> = Record<K, string> & {
  downloads: number | string;
  started: number | string;
  heard30s: number | string;
  completed: number | string;
};

const figures = (r: Figures<never>): AudienceFigures => ({
  downloads: Number(r.downloads),
  started: Number(r.started),
  heard30s: Number(r.heard30s),
  completed: Number(r.completed),
});

export class AudienceReportsRepository {
  constructor(private readonly db: Db) {}

  /** Downloads and listens of each day that has any (days without are left out). */
  async perDay(scope: AudienceScope, range: DayRangeParams): Promise<DayFigures[]> {
    const { rows } = await sql<Figures<'day'>>`
      select day::text as day,
             sum(downloads)::int as downloads, sum(started)::int as started,
             sum(heard30s)::int as "heard30s", sum(completed)::int as completed
      from (${this.events(scope, range)}) as events
      group by day
      order by day`.execute(this.db);
    return rows.map((r) => ({ day: r.day, ...figures(r) }));
  }

  /** Downloads per app, most first (ties by app id). */
  perApp(
    scope: AudienceScope,
    range: DayRangeParams,
  ): Promise<{ key: string; downloads: number }[]> {
    return this.downloadsBy(sql.ref('app'), scope, range);
  }

  /** Downloads per platform, most first. */
  perPlatform(
    scope: AudienceScope,
    range: DayRangeParams,
  ): Promise<{ key: string; downloads: number }[]> {
    return this.downloadsBy(sql.ref('platform'), scope, range);
  }

  /**
   * The show's episodes that have figures in the range, with their article, most
   * downloaded first (then most started); at most `limit` of them when given.
   */
  async perEpisode(
    showId: string,
    range: DayRangeParams,
    limit?: number,
  ): Promise<EpisodeFigures[]> {
    const { rows } = await sql<
      Figures<'episode_id' | 'title' | 'article_url'> & { published_at: Date }
    >`
      select e.id as episode_id, e.title, e.article_url, e.published_at,
             sum(f.downloads)::int as downloads, sum(f.started)::int as started,
             sum(f.heard30s)::int as "heard30s", sum(f.completed)::int as completed
      from (${this.events({ showId }, range)}) as f
      join episodes e on e.id = f.episode_id
      group by e.id, e.title, e.article_url, e.published_at
      order by downloads desc, started desc, e.published_at desc, e.id
      ${limit === undefined ? sql`` : sql`limit ${limit}`}`.execute(this.db);
    return rows.map((r) => ({
      episodeId: r.episode_id,
      title: r.title,
      articleUrl: r.article_url,
      publishedAt: new Date(r.published_at),
      ...figures(r),
    }));
  }

  private async downloadsBy(
    column: RawBuilder<unknown>,
    scope: AudienceScope,
    range: DayRangeParams,
  ): Promise<{ key: string; downloads: number }[]> {
    const { rows } = await sql<{ key: string; downloads: number | string }>`
      select ${column} as key, sum(downloads)::int as downloads
      from audience_downloads
      where ${this.where(scope, range)}
      group by ${column}
      having sum(downloads) > 0
      order by downloads desc, key`.execute(this.db);
    return rows.map((r) => ({ key: r.key, downloads: Number(r.downloads) }));
  }

  /** One row per stored row of either table, in the same columns (listens pivoted by milestone). */
  private events(scope: AudienceScope, range: DayRangeParams): RawBuilder<unknown> {
    const where = this.where(scope, range);
    return sql`
      select day, episode_id, downloads, 0 as started, 0 as heard30s, 0 as completed
      from audience_downloads where ${where}
      union all
      select day, episode_id, 0,
             case when milestone = 'started' then listens else 0 end,
             case when milestone = 'heard-30s' then listens else 0 end,
             case when milestone = 'completed' then listens else 0 end
      from audience_listens where ${where}`;
  }

  /**
   * The show's rows in the range, and the episode's when given. The show is always
   * named: audience_listens has its index on (show_id, day) only.
   */
  private where(scope: AudienceScope, range: DayRangeParams): RawBuilder<unknown> {
    const days = sql`day >= ${range.from}::date and day <= ${range.to}::date`;
    return scope.episodeId === undefined
      ? sql`show_id = ${scope.showId} and ${days}`
      : sql`show_id = ${scope.showId} and episode_id = ${scope.episodeId} and ${days}`;
  }
}
