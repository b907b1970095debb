/**
 * Audience reports: what a show's, an episode's and an article's audio was downloaded
 * and listened to over a range of UTC days. Every day of the range is in the per-day
 * series, zeros included, so a chart and a spreadsheet show the quiet days too.
 */
import { fillDays, type DayRange } from '../core/audience-range.js';
import type { Show } from '../core/domain.js';
import { notFound } from '../core/errors.js';
import type {
  AudienceFigures,
  AudienceReportsRepository,
  DayFigures,
  EpisodeFigures,
} from '../db/repositories/audience-reports.repo.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import type { ShowsRepository } from '../db/repositories/shows.repo.js';

export type { AudienceFigures, DayFigures, EpisodeFigures };

/** How many episodes a show's report ranks. */
export const TOP_EPISODES = 10;

export interface AppFigures {
  readonly app: string;
  readonly downloads: number;
}
export interface PlatformFigures {
  readonly platform: string;
  readonly downloads: number;
}

interface Breakdown {
  readonly range: DayRange;
  readonly totals: AudienceFigures;
  readonly days: readonly DayFigures[];
  readonly apps: readonly AppFigures[];
  readonly platforms: readonly PlatformFigures[];
}

export interface ShowAudience extends Breakdown {
  readonly show: { readonly id: string; readonly slug: string; readonly title: string };
  readonly topEpisodes: readonly EpisodeFigures[];
}

export interface EpisodeAudience extends Breakdown {
  readonly episode: { readonly id: string; readonly title: string; readonly articleUrl: string };
  readonly show: { readonly id: string; readonly slug: string; readonly title: string };
}

/** An article's figures: the episodes whose article is that URL, added up. */
export interface ArticleFigures extends AudienceFigures {
  readonly articleUrl: string;
  /** The title of the article's latest episode. */
  readonly title: string;
  readonly episodeIds: readonly string[];
}

export interface ArticlesAudience {
  readonly show: { readonly id: string; readonly slug: string; readonly title: string };
  readonly range: DayRange;
  readonly articles: readonly ArticleFigures[];
}

const ZERO: AudienceFigures = { downloads: 0, started: 0, heard30s: 0, completed: 0 };

export function sumFigures(rows: readonly AudienceFigures[]): AudienceFigures {
  return rows.reduce<AudienceFigures>(
    (t, r) => ({
      downloads: t.downloads + r.downloads,
      started: t.started + r.started,
      heard30s: t.heard30s + r.heard30s,
      completed: t.completed + r.completed,
    }),
    ZERO,
  );
}

/** Episodes grouped by their article URL, most downloaded first. */
export function groupByArticle(episodes: readonly EpisodeFigures[]): ArticleFigures[] {
  const groups = new Map<string, EpisodeFigures[]>();
  for (const e of episodes) groups.set(e.articleUrl, [...(groups.get(e.articleUrl) ?? []), e]);
  return [...groups.entries()]
    .map(([articleUrl, list]) => {
      const latest = list.reduce((a, b) => (b.publishedAt > a.publishedAt ? b : a));
      return {
        articleUrl,
        title: latest.title,
        episodeIds: list.map((e) => e.episodeId),
        ...sumFigures(list),
      };
    })
    .sort(
      (a, b) =>
        b.downloads - a.downloads ||
        b.started - a.started ||
        a.title.localeCompare(b.title) ||
        a.articleUrl.localeCompare(b.articleUrl),
    );
}

const showRef = (s: Show) => ({ id: s.id, slug: s.slug, title: s.title });

export class AudienceReportService {
  constructor(
    private readonly deps: {
      reports: AudienceReportsRepository;
      shows: ShowsRepository;
      episodes: EpisodesRepository;
    },
  ) {}

  async forShow(slug: string, range: DayRange): Promise<ShowAudience> {
    const show = await this.requireShow(slug);
    const scope = { showId: show.id };
    const breakdown = await this.breakdown(scope, range);
    const topEpisodes = await this.deps.reports.perEpisode(show.id, range, TOP_EPISODES);
    return { show: showRef(show), ...breakdown, topEpisodes };
  }

  async forEpisode(id: string, range: DayRange): Promise<EpisodeAudience> {
    const episode = await this.deps.episodes.findById(id);
    if (!episode) throw notFound('Episode', `No episode has the id "${id}".`);
    const show = await this.deps.shows.findById(episode.showId);
    if (!show) throw notFound('Show');
    const breakdown = await this.breakdown({ showId: show.id, episodeId: episode.id }, range);
    return {
      episode: { id: episode.id, title: episode.article.title, articleUrl: episode.article.url },
      show: showRef(show),
      ...breakdown,
    };
  }

  async forArticles(slug: string, range: DayRange): Promise<ArticlesAudience> {
    const show = await this.requireShow(slug);
    const episodes = await this.deps.reports.perEpisode(show.id, range);
    return { show: showRef(show), range, articles: groupByArticle(episodes) };
  }

  private async requireShow(slug: string): Promise<Show> {
    const show = await this.deps.shows.findBySlug(slug);
    if (!show) throw notFound('Show', `No show has the slug "${slug}".`);
    return show;
  }

  private async breakdown(
    scope: { showId: string; episodeId?: string },
    range: DayRange,
  ): Promise<Breakdown> {
    // Sequential: PGlite runs one query at a time anyway, and a pool keeps its connections.
    const perDay = await this.deps.reports.perDay(scope, range);
    const apps = await this.deps.reports.perApp(scope, range);
    const platforms = await this.deps.reports.perPlatform(scope, range);
    return {
      range,
      totals: sumFigures(perDay),
      days: fillDays(range, perDay, (day) => ({ day, ...ZERO })),
      apps: apps.map((a) => ({ app: a.key, downloads: a.downloads })),
      platforms: platforms.map((p) => ({ platform: p.key, downloads: p.downloads })),
    };
  }
}
