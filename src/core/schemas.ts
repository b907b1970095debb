/**
 * The shapes of what editors send, validated at the boundary (HTTP, CLI).
 * Messages are written for editors: they end up next to the field.
 */
import { z } from 'zod';
import { appleCategoryProblem } from './apple-categories.js';
import { chaptersField } from './chapters.js';
import { parseJsonText } from './json-text.js';
import { RENDITION_PROFILES, RENDITION_PROFILE_NAMES } from './media-types.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  text(max)
    .optional()
    .transform((v) => (v ? v : null));

/**
 * Multipart fields are strings: a list may come as repeated fields, one field, or
 * a JSON array. Lists of `text` take "[…]" that is not JSON as one item (a
 * category may read "[AUDIO]"); lists of `records` refuse it, and take a single
 * object as a list of one.
 */
function listField<T extends z.ZodType>(item: T, of: 'text' | 'records') {
  return z.preprocess((value, ctx) => {
    if (value === undefined || value === null || value === '') return [];
    if (Array.isArray(value)) return value as unknown[];
    if (typeof value === 'string' && value.trim().startsWith('[')) {
      if (of === 'records') return parseJsonText(value, ctx, 'a JSON list');
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return [value];
      }
    }
    if (typeof value === 'string') return [value];
    if (of === 'records' && typeof value === 'object') return [value];
    return value; // not a list: the array schema says so
  }, z.array(item));
}

/** Record ids (episodes, clips, users, tokens): what src/core/ids.ts makes, with room. */
export const RECORD_ID = /^[a-z0-9]{1,64}$/;
/** A record id in a path, refused with `message` ("is not an episode id"). */
export const recordIdSchema = (message: string) => z.string().regex(RECORD_ID, message);
/** An episode's id in a path (`/api/episodes/:id`, the studio's episode page). */
export const episodeIdSchema = recordIdSchema('is not an episode id');

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'use 1–64 lowercase letters, digits and dashes');

/** A rendition ladder: known profiles, no repeats, exactly one MP3 and it comes first (the enclosure). */
export const ladderSchema = z
  .array(
    z.enum(RENDITION_PROFILE_NAMES as [string, ...string[]], {
      error: `must be one of ${RENDITION_PROFILE_NAMES.join(', ')}`,
    }),
  )
  .min(1, 'must name at least one profile')
  .refine((names) => new Set(names).size === names.length, 'must not repeat a profile')
  .refine(
    (names) =>
      RENDITION_PROFILES[names[0]!]?.container === 'mp3' &&
      names.filter((n) => RENDITION_PROFILES[n]?.container === 'mp3').length === 1,
    'must start with exactly one MP3 profile (the feed enclosure)',
  );

/** Loudness settings editors may give a show or a reprocessing request. */
export const audioSettingsSchema = z.object({
  /** Stereo target; mono renditions get 3 LU less (−16 → −19). */
  loudnessTargetLufs: z
    .number({ error: 'must be a number of LUFS' })
    .min(-31, 'must be between -31 and -10 LUFS')
    .max(-10, 'must be between -31 and -10 LUFS')
    .optional(),
  truePeakDbtp: z
    .number({ error: 'must be a number of dBTP' })
    .min(-9, 'must be between -9 and 0 dBTP')
    .max(0, 'must be between -9 and 0 dBTP')
    .optional(),
  renditionProfiles: ladderSchema.optional(),
});

export type AudioSettingsInput = z.infer<typeof audioSettingsSchema>;

/** POST /api/episodes/:id/reprocess */
export const reprocessSchema = audioSettingsSchema.extend({ chapters: chaptersField.optional() });

export type ReprocessInput = z.infer<typeof reprocessSchema>;

/** Show fields, without the cross-field checks (PATCH makes them partial). */
export const showFieldsSchema = z.object({
  slug: slugSchema,
  title: text(255).min(1, 'is required'),
  description: text(20_000)
    .min(1, 'is required')
    .refine(
      (s) => Buffer.byteLength(s, 'utf8') <= 4000,
      'must be at most 4000 bytes (Apple’s limit)',
    ),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language code such as fr or fr-FR')
    .default('fr'),
  author: text(255).min(1, 'is required'),
  owner: z.object({
    name: text(255).min(1, 'is required'),
    email: z.email('must be an e-mail address'),
  }),
  imageUrl: httpUrl.optional().transform((v) => v ?? null),
  category: text(100).min(1, 'is required'),
  subcategory: optionalText(100),
  explicit: z.boolean().default(false),
  type: z.enum(['episodic', 'serial']).default('episodic'),
  siteUrl: httpUrl,
  copyright: optionalText(500),
  /** `podcast:medium`: what the feed is (the namespace's list). */
  medium: z
    .enum(['podcast', 'music', 'video', 'film', 'audiobook', 'newsletter', 'blog'])
    .default('podcast'),
  /** `podcast:locked`: other hosts may not import the feed. */
  locked: z.boolean().default(true),
  /** `podcast:txt` (optional free text, e.g. a verification token). */
  txt: optionalText(4000),
  ...audioSettingsSchema.shape,
});

/** Apple's category list, checked on every save. */
export function checkAppleCategory(
  value: { category: string; subcategory: string | null },
  ctx: z.RefinementCtx,
): void {
  const problem = appleCategoryProblem(value.category, value.subcategory);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
}

export const createShowSchema = showFieldsSchema.superRefine(checkAppleCategory);
export type CreateShowInput = z.infer<typeof createShowSchema>;

/**
 * A person: `{name, role?}`, that object as JSON text (one form field per
 * person, or the whole field), or a line as the studio writes it: "Name" or
 * "Name, role" (the role is everything after the first comma).
 */
const interviewee = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'string') return value;
    const line = value.trim();
    if (line.startsWith('{')) return parseJsonText(line, ctx, 'a person {"name", "role"}');
    const comma = line.indexOf(',');
    if (comma < 0) return { name: line };
    const role = line.slice(comma + 1).trim();
    return { name: line.slice(0, comma), ...(role ? { role } : {}) };
  },
  z.object({
    name: text(255).min(1, 'is required'),
    // CMSs send "" or null for "no role": the same as leaving it out.
    role: text(255)
      .nullish()
      .transform((role) => role || undefined)
      .optional(),
  }),
);

/** The article metadata that comes with an uploaded interview. */
export const episodeMetadataSchema = z.object({
  title: text(500).min(1, 'is required'),
  summary: text(100_000).default(''),
  articleUrl: httpUrl,
  author: optionalText(255),
  publishedAt: z.iso
    .datetime({
      offset: true,
      error: 'must be an ISO 8601 date-time, e.g. 2018-05-31T08:00:00+02:00',
    })
    .or(z.iso.date({ error: 'must be an ISO 8601 date, e.g. 2018-05-31' }))
    .transform((s) => new Date(s))
    .optional(),
  categories: listField(text(100).min(1), 'text').pipe(
    z.array(z.string()).max(20, 'at most 20 categories'),
  ),
  imageUrl: httpUrl.optional().transform((v) => v ?? null),
  source: optionalText(255),
  copyright: optionalText(500),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language code such as fr or fr-FR')
    .optional()
    .transform((v) => v ?? null),
  chapters: chaptersField.optional(),
  interviewees: listField(interviewee, 'records').pipe(
    z
      .array(z.object({ name: z.string(), role: z.string().optional() }))
      .max(50, 'at most 50 people'),
  ),
});
export type EpisodeMetadata = z.infer<typeof episodeMetadataSchema>;

/** The id of a resumable upload, as the last segment of its URL (/api/uploads/<id>). */
export const uploadIdSchema = z
  .string()
  .regex(/^[a-f0-9]{32}$/, 'must be the id at the end of the upload’s URL (32 hex digits)');

/** An episode from a finished resumable upload: the metadata in JSON, the upload's id. */
export const episodeFromUploadSchema = episodeMetadataSchema.extend({ upload: uploadIdSchema });
export type EpisodeFromUpload = z.infer<typeof episodeFromUploadSchema>;

/** Where a field sits in its input: keys and array indexes. */
export type FieldPath = readonly (string | number)[];

/**
 * zod issues → the per-field list of a problem body. `under` prefixes every
 * path (a path parameter's name); an issue about the whole body is "(body)".
 */
export function fieldErrors(
  error: z.ZodError,
  under: FieldPath = [],
): { field: string; message: string }[] {
  const name = (path: readonly PropertyKey[]) => {
    const full = [...under, ...path].map(String);
    return full.length ? full.join('.') : '(body)';
  };
  return error.issues.flatMap((issue) =>
    // A strict schema's unknown keys: each is named, not lumped on the object.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: name([...issue.path, key]),
          message: 'is not a known field',
        }))
      : [
          {
            field: name(issue.path),
            message:
              issue.code === 'invalid_type' && /received undefined/.test(issue.message)
                ? 'is required'
                : issue.message,
          },
        ],
  );
}
