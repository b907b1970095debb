/**
 * What the API answers about episodes: the episode with its renditions, a page of
 * them, and the events of the progress stream. Each zod schema serialises the
 * response (`reply` parses with it) and documents it in OpenAPI.
 */
import { z } from 'zod';
import { chaptersSchema } from '../../core/chapters.js';
import type { Episode, EpisodeFeedFields, Rendition, Show } from '../../core/domain.js';
import { EPISODE_STATES } from '../../core/episode-state.js';
import type { MediaUrls } from '../media-urls.js';
import { count, resource, timestamp, url } from './common.js';
import { publicUrls } from '../../core/urls.js';
import type { QualityReport } from '../../core/quality.js';
import {
  qualityOverrideJson,
  qualityOverrideSchema,
  qualityReportJson,
  qualityReportSchema,
} from './quality.js';

export const renditionSchema = resource(
  'Rendition',
  z.object({
    profile: z.string(),
    url: url.describe('Public while the episode is published, else signed and short-lived'),
    mimeType: z.string(),
    codec: z.string(),
    bitrateKbps: z.number(),
    sampleRate: z.int(),
    channels: z.int(),
    bytes: count,
    durationSeconds: z.number(),
    sha256: z.string(),
  }),
);

const loudnessFigures = z.object({
  integrated: z.number().describe('LUFS'),
  lra: z.number().describe('LU'),
  truePeak: z.number().describe('dBTP'),
  threshold: z.number().describe('LUFS'),
});

export const episodeSchema = resource(
  'Episode',
  z.object({
    id: z.string(),
    guid: z.string().describe('Never changes, whatever is edited or reprocessed'),
    show: z.string().describe('The show’s slug'),
    state: z.enum(EPISODE_STATES),
    progress: z.number().describe('Percent'),
    failureReason: z.string().nullable(),
    title: z.string(),
    summary: z.string().describe('HTML'),
    articleUrl: z.string(),
    author: z.string().nullable(),
    publishedAt: timestamp.describe('The article’s publication time'),
    categories: z.array(z.string()),
    imageUrl: z.string().nullable(),
    source: z.string().nullable(),
    copyright: z.string().nullable(),
    language: z.string().nullable(),
    interviewees: z.array(z.object({ name: z.string(), role: z.string().optional() })),
    durationSeconds: z.number().nullable(),
    peaksUrl: url.nullable(),
    chapters: chaptersSchema.nullable(),
    loudness: z
      .object({
        target: z.object({ integrated: z.number(), truePeak: z.number() }),
        input: loudnessFigures,
        output: loudnessFigures,
        mode: z.enum(['linear', 'limited', 'leveled']),
        gainDb: z.number(),
      })
      .nullable(),
    processingRevision: count,
    corrections: z
      .array(z.object({ at: timestamp, note: z.string() }))
      .describe('Public notes of the corrections made to the audio, oldest first'),
    processingOptions: z
      .object({
        renditionProfiles: z.array(z.string()).optional(),
        loudnessTargetLufs: z.number().optional(),
        truePeakDbtp: z.number().optional(),
      })
      .nullable(),
    original: z.object({ name: z.string(), bytes: count }),
    renditions: z.array(renditionSchema),
    scheduledAt: timestamp.nullable(),
    episodeType: z.enum(['full', 'trailer', 'bonus']),
    season: z.int().nullable(),
    episodeNumber: z.int().nullable(),
    explicit: z.boolean().nullable().describe('null: the show’s setting'),
    location: z
      .object({ name: z.string(), geo: z.string().optional(), osm: z.string().optional() })
      .nullable(),
    transcript: z.object({ url, type: z.string() }).nullable(),
    chaptersUrl: url.nullable(),
    quality: qualityReportSchema
      .nullable()
      .describe('The quality report (in the answers about one episode; null in lists)'),
    qualityOverrides: z
      .array(qualityOverrideSchema)
      .describe('Publications made despite blocking findings: who, when, why'),
    links: z.object({ self: url, feed: url, versions: url }),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);
export type EpisodeBody = z.input<typeof episodeSchema>;

/** An upload or reprocess accepted: the episode, and where to follow its processing. */
export const acceptedEpisodeSchema = resource(
  'AcceptedEpisode',
  episodeSchema.extend({ statusUrl: url }),
);

/** `GET /api/shows/:slug/episodes`: one page, newest article first. */
export const episodePageSchema = resource(
  'EpisodePage',
  z.object({
    episodes: z.array(episodeSchema),
    next: z.string().nullable().describe('The cursor of the following page; null on the last'),
    links: z.object({ next: url.nullable() }),
  }),
);

const NO_FEED_FIELDS: EpisodeFeedFields = {
  scheduledAt: null,
  episodeType: 'full',
  season: null,
  episodeNumber: null,
  explicit: null,
  location: null,
  transcript: null,
  chaptersKey: null,
};

export function episodeJson(
  episode: Episode,
  show: Show,
  renditions: readonly Rendition[],
  urls: MediaUrls,
  /** The quality report, when the answer is about this one episode. */
  quality?: QualityReport,
): EpisodeBody {
  const { publicUrl } = urls;
  // Public URLs while published (as in the feed), short-lived signed ones otherwise.
  const mediaUrl = urls.forEpisode(episode);
  const a = episode.article;
  const feed = episode.feed ?? NO_FEED_FIELDS;
  const options = episode.processingOptions;
  return {
    id: episode.id,
    guid: episode.guid,
    show: show.slug,
    state: episode.state,
    progress: episode.progress,
    failureReason: episode.failureReason,
    title: a.title,
    summary: a.summary,
    articleUrl: a.url,
    author: a.author,
    publishedAt: a.publishedAt.toISOString(),
    categories: [...a.categories],
    imageUrl: a.imageUrl,
    source: a.source,
    copyright: a.copyright,
    language: a.language,
    interviewees: episode.interviewees.map((p) => ({ name: p.name, role: p.role })),
    durationSeconds: episode.durationSeconds,
    peaksUrl: episode.peaksKey ? mediaUrl(episode.peaksKey) : null,
    chapters: episode.chapters ?? null,
    loudness: episode.loudness ?? null,
    processingRevision: episode.processingRevision,
    corrections: (episode.correctionNotes ?? []).map((n) => ({ at: n.at, note: n.note })),
    processingOptions: options
      ? {
          renditionProfiles: options.renditionProfiles && [...options.renditionProfiles],
          loudnessTargetLufs: options.loudnessTargetLufs,
          truePeakDbtp: options.truePeakDbtp,
        }
      : null,
    original: { name: episode.original.name, bytes: episode.original.bytes },
    renditions: renditions.map((r) => ({
      profile: r.profile,
      url: mediaUrl(r.storageKey),
      mimeType: r.mimeType,
      codec: r.codec,
      bitrateKbps: r.bitrateKbps,
      sampleRate: r.sampleRate,
      channels: r.channels,
      bytes: r.bytes,
      durationSeconds: r.durationSeconds,
      sha256: r.sha256,
    })),
    ...episodeFeedJson(feed, mediaUrl),
    quality: quality ? qualityReportJson(quality) : null,
    qualityOverrides: (episode.qualityOverrides ?? []).map(qualityOverrideJson),
    links: {
      self: publicUrls(publicUrl).apiEpisode(episode.id),
      feed: publicUrls(publicUrl).feed(show.slug),
      versions: `${publicUrls(publicUrl).apiEpisode(episode.id)}/versions`,
    },
    createdAt: episode.createdAt.toISOString(),
    updatedAt: episode.updatedAt.toISOString(),
  };
}

/** Publication and feed item fields. */
function episodeFeedJson(feed: EpisodeFeedFields, mediaUrl: (key: string) => string) {
  return {
    scheduledAt: feed.scheduledAt?.toISOString() ?? null,
    episodeType: feed.episodeType,
    season: feed.season,
    episodeNumber: feed.episodeNumber,
    explicit: feed.explicit,
    location: feed.location && { ...feed.location },
    transcript: feed.transcript
      ? { url: mediaUrl(feed.transcript.key), type: feed.transcript.type }
      : null,
    chaptersUrl: feed.chaptersKey ? mediaUrl(feed.chaptersKey) : null,
  };
}

/** Events of `GET /api/episodes/:id/events`. */
export const episodeStateEventSchema = resource(
  'EpisodeStateEvent',
  z.object({
    state: z.enum(EPISODE_STATES),
    progress: z.number().describe('Percent'),
    failureReason: z.string().nullable(),
  }),
);
export const episodeProgressEventSchema = resource(
  'EpisodeProgressEvent',
  z.object({ progress: z.number() }),
);
