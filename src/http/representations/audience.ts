/**
 * What the API answers about audiences: per-day series (every day of the range,
 * zeros included), downloads per app and platform, and the episodes and articles
 * with the most. Days are UTC calendar days; app and platform are ids (the studio
 * names them in the editor's language, src/http/i18n/audience.ts).
 */
import { z } from 'zod';
import type {
  ArticlesAudience,
  AudienceFigures,
  EpisodeAudience,
  ShowAudience,
} from '../../services/audience-reports.js';
import { count, resource, url } from './common.js';

const day = z.iso.date().describe('A UTC calendar day');

const figures = {
  downloads: count.describe('IAB v2.2 downloads'),
  started: count.describe('Player listens started'),
  heard30s: count.describe('Player listens that reached 30 seconds'),
  completed: count.describe('Player listens heard to the end'),
};

const rangeSchema = z.object({ from: day, to: day }).describe('Both days included');
const figuresSchema = z.object(figures);

const breakdown = {
  range: rangeSchema,
  totals: figuresSchema,
  days: z.array(z.object({ day, ...figures })).describe('Every day of the range, in order'),
  apps: z
    .array(
      z.object({
        app: z
          .string()
          .describe(
            'apple-podcasts, spotify, pocket-casts, overcast, antennapod, podcast-addict, castro, gpodder, antenne-player, browser or other',
          ),
        downloads: count,
      }),
    )
    .describe('Apps with downloads in the range, most first'),
  platforms: z
    .array(
      z.object({
        platform: z.string().describe('ios, android, macos, windows, linux, web or other'),
        downloads: count,
      }),
    )
    .describe('Platforms with downloads in the range, most first'),
};

const showRef = z.object({ slug: z.string(), title: z.string() });

const episodeFiguresSchema = z.object({
  id: z.string(),
  title: z.string(),
  articleUrl: url,
  ...figures,
});

export const showAudienceSchema = resource(
  'ShowAudience',
  z.object({
    show: showRef,
    ...breakdown,
    topEpisodes: z
      .array(episodeFiguresSchema)
      .describe('The most downloaded episodes in the range (10 at most)'),
  }),
);

export const episodeAudienceSchema = resource(
  'EpisodeAudience',
  z.object({
    episode: z.object({ id: z.string(), title: z.string(), articleUrl: url }),
    show: showRef,
    ...breakdown,
  }),
);

export const articlesAudienceSchema = resource(
  'ArticlesAudience',
  z.object({
    show: showRef,
    range: rangeSchema,
    articles: z
      .array(
        z.object({
          articleUrl: url,
          title: z.string().describe('The title of the article’s latest episode'),
          episodes: z.array(z.string()).describe('Ids of the episodes of this article'),
          ...figures,
        }),
      )
      .describe('Articles whose episodes have figures in the range, most downloaded first'),
  }),
);

const figuresOf = (f: AudienceFigures) => ({
  downloads: f.downloads,
  started: f.started,
  heard30s: f.heard30s,
  completed: f.completed,
});

const breakdownJson = (r: ShowAudience | EpisodeAudience) => ({
  range: { from: r.range.from, to: r.range.to },
  totals: figuresOf(r.totals),
  days: r.days.map((d) => ({ day: d.day, ...figuresOf(d) })),
  apps: r.apps.map((a) => ({ app: a.app, downloads: a.downloads })),
  platforms: r.platforms.map((p) => ({ platform: p.platform, downloads: p.downloads })),
});

export const showAudienceJson = (r: ShowAudience): z.input<typeof showAudienceSchema> => ({
  show: { slug: r.show.slug, title: r.show.title },
  ...breakdownJson(r),
  topEpisodes: r.topEpisodes.map((e) => ({
    id: e.episodeId,
    title: e.title,
    articleUrl: e.articleUrl,
    ...figuresOf(e),
  })),
});

export const episodeAudienceJson = (r: EpisodeAudience): z.input<typeof episodeAudienceSchema> => ({
  episode: { id: r.episode.id, title: r.episode.title, articleUrl: r.episode.articleUrl },
  show: { slug: r.show.slug, title: r.show.title },
  ...breakdownJson(r),
});

export const articlesAudienceJson = (
  r: ArticlesAudience,
): z.input<typeof articlesAudienceSchema> => ({
  show: { slug: r.show.slug, title: r.show.title },
  range: { from: r.range.from, to: r.range.to },
  articles: r.articles.map((a) => ({
    articleUrl: a.articleUrl,
    title: a.title,
    episodes: [...a.episodeIds],
    ...figuresOf(a),
  })),
});
