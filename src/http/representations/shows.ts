/**
 * What the API answers about shows and their topic feeds. Each zod schema
 * serialises the response (routes answer through `reply`, which parses with it)
 * and documents it in OpenAPI; the builders turn domain records into its input.
 */
import { z } from 'zod';
import { showArtworkUrl, type Show, type TopicFeed } from '../../core/domain.js';
import { defaultMediaBase, directMediaUrl } from '../media-urls.js';
import { count, resource, timestamp, url } from './common.js';
import { publicUrls } from '../../core/urls.js';
import { qualitySettingsJson, qualitySettingsJsonSchema } from './quality.js';

export const showSchema = resource(
  'Show',
  z.object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    language: z.string(),
    author: z.string(),
    owner: z.object({ name: z.string(), email: z.string() }),
    imageUrl: z.string().nullable(),
    category: z.string(),
    subcategory: z.string().nullable(),
    explicit: z.boolean(),
    type: z.enum(['episodic', 'serial']),
    siteUrl: z.string(),
    copyright: z.string().nullable(),
    podcastGuid: z.string(),
    audio: z
      .object({
        loudnessTargetLufs: z.number().nullable(),
        truePeakDbtp: z.number().nullable(),
        renditionProfiles: z.array(z.string()).nullable(),
      })
      .nullable()
      .describe('null fields, or null: the defaults'),
    feedUrl: url,
    artworkUrl: url.nullable().describe('The uploaded artwork, else imageUrl'),
    medium: z.string(),
    locked: z.boolean(),
    txt: z.string().nullable(),
    quality: qualitySettingsJsonSchema.describe(
      'The quality report’s thresholds in effect (PUT /api/shows/:slug/quality)',
    ),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);

export function showJson(show: Show, publicUrl: string): z.input<typeof showSchema> {
  const audio = show.audio;
  return {
    id: show.id,
    slug: show.slug,
    title: show.title,
    description: show.description,
    language: show.language,
    author: show.author,
    owner: { name: show.owner.name, email: show.owner.email },
    imageUrl: show.imageUrl,
    category: show.category,
    subcategory: show.subcategory,
    explicit: show.explicit,
    type: show.type,
    siteUrl: show.siteUrl,
    copyright: show.copyright,
    podcastGuid: show.podcastGuid,
    audio: audio
      ? {
          loudnessTargetLufs: audio.loudnessTargetLufs,
          truePeakDbtp: audio.truePeakDbtp,
          renditionProfiles: audio.renditionProfiles ? [...audio.renditionProfiles] : null,
        }
      : null,
    feedUrl: publicUrls(publicUrl).feed(show.slug),
    artworkUrl: showArtworkUrl(show, (key) => directMediaUrl(defaultMediaBase(publicUrl), key)),
    medium: show.medium ?? 'podcast',
    locked: show.locked ?? true,
    txt: show.txt ?? null,
    quality: qualitySettingsJson(show.quality),
    createdAt: show.createdAt.toISOString(),
    updatedAt: show.updatedAt.toISOString(),
  };
}

/** `GET /api/shows`: every show with its number of episodes. */
export const showListSchema = resource(
  'ShowList',
  z.object({
    shows: z.array(
      z.object({
        slug: z.string(),
        title: z.string(),
        imageUrl: z.string().nullable(),
        language: z.string(),
        episodes: count,
        links: z.object({ self: url, feed: url }),
      }),
    ),
  }),
);

/** A topic feed: a show's episodes of one article category. */
export const topicSchema = resource(
  'Topic',
  z.object({
    slug: z.string(),
    title: z.string(),
    category: z.string().describe('The article category its episodes carry'),
    description: z.string().nullable(),
    podcastGuid: z.string(),
    feedUrl: url,
  }),
);
export const topicListSchema = z.object({ topics: z.array(topicSchema) });

export function topicJson(
  t: Pick<TopicFeed, 'slug' | 'title' | 'category' | 'description' | 'podcastGuid'>,
  feedUrl: string,
): z.input<typeof topicSchema> {
  return {
    slug: t.slug,
    title: t.title,
    category: t.category,
    description: t.description,
    podcastGuid: t.podcastGuid,
    feedUrl,
  };
}
