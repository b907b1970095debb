/**
 * Request shapes of publishing and feeds (episode PATCH, publish, topic feeds,
 * chapters), validated at the boundary like the rest of `schemas.ts`.
 */
import { z } from 'zod';
import { overrideSchema } from './quality.js';
import { episodeMetadataSchema, showFieldsSchema, slugSchema } from './schemas.js';

const isoDateTime = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time, e.g. 2018-05-31T08:00:00+02:00',
  })
  .transform((s) => new Date(s));

/** `POST /api/episodes/:id/publish`: now, or at `at` (a time in the future schedules it). */
export const publishSchema = z.object({
  at: isoDateTime.optional(),
  override: overrideSchema
    .optional()
    .describe(
      'Publish despite the quality report’s blocking findings; the reason is recorded with who and when',
    ),
});

/** `podcast:location`: a place name, optionally with a geo URI and an OSM id. */
export const locationSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(128, 'must be at most 128 characters'),
  geo: z
    .string()
    .regex(
      /^geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?(,-?\d+(\.\d+)?)?(;u=\d+(\.\d+)?)?$/,
      'must be a geo URI such as geo:49.18,-0.37',
    )
    .optional(),
  osm: z
    .string()
    .regex(/^[NWR]\d+(#\d+)?$/, 'must be an OpenStreetMap id such as R7444')
    .optional(),
});
export type EpisodeLocation = z.infer<typeof locationSchema>;

/** Fields of an episode that only the feed uses (Apple's item tags, location). */
export const episodeFeedFieldsSchema = z.object({
  episodeType: z.enum(['full', 'trailer', 'bonus']),
  season: z.number().int().min(1).max(100_000).nullable(),
  episodeNumber: z.number().int().min(1).max(1_000_000).nullable(),
  explicit: z.boolean().nullable(),
  location: locationSchema.nullable(),
});

/**
 * `PATCH /api/episodes/:id`: any article field or feed field. The guid is not a
 * field: it never changes, whatever is edited.
 */
export const episodePatchSchema = episodeMetadataSchema
  .partial()
  .extend(episodeFeedFieldsSchema.partial().shape)
  .strict();
export type EpisodePatch = z.infer<typeof episodePatchSchema>;

/** Keeps only the keys the client sent (zod defaults must not overwrite stored values). */
export function sentKeysOnly<T extends object>(parsed: T, input: unknown): Partial<T> {
  const sent = new Set(input && typeof input === 'object' ? Object.keys(input) : []);
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => sent.has(k))) as Partial<T>;
}

/** `PATCH /api/shows/:slug`: any show field but the slug (it is in feed URLs and the guid). */
export const showPatchSchema = showFieldsSchema.omit({ slug: true }).partial().strict();
export type ShowPatch = z.infer<typeof showPatchSchema>;

/** A topic feed: every published episode of the show whose article carries `category`. */
export const topicFeedSchema = z.object({
  slug: slugSchema,
  title: z.string().trim().min(1, 'is required').max(255),
  category: z.string().trim().min(1, 'is required').max(100),
  description: z
    .string()
    .trim()
    .max(4000)
    .optional()
    .transform((v) => v || null),
});
export type TopicFeedInput = z.infer<typeof topicFeedSchema>;
