/**
 * Podcasting 2.0 JSON chapters (spec version 1.2.0), as editors send them:
 * validated at the boundary, stored with the episode, written into the files.
 * https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md
 */
import { z } from 'zod';
import { parseJsonText } from './json-text.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
const seconds = z
  .number({ error: 'must be a number of seconds' })
  .finite()
  .min(0, 'must be 0 or more seconds');

export const chapterSchema = z
  .object({
    startTime: seconds,
    endTime: seconds.optional(),
    title: z.string().trim().min(1, 'must not be empty').max(500).optional(),
    img: httpUrl.optional(),
    url: httpUrl.optional(),
    toc: z.boolean().optional(),
    location: z
      .object({
        name: z.string().max(500),
        geo: z.string().regex(/^geo:/, 'must be a geo: URI'),
        osm: z.string().optional(),
      })
      .optional(),
  })
  .refine((c) => c.endTime === undefined || c.endTime > c.startTime, {
    message: 'must be after startTime',
    path: ['endTime'],
  });

export const chaptersSchema = z
  .object({
    version: z.string().regex(/^1\.\d+(\.\d+)?$/, 'must be a JSON chapters version such as 1.2.0'),
    author: z.string().max(500).optional(),
    title: z.string().max(500).optional(),
    podcastName: z.string().max(500).optional(),
    description: z.string().max(5000).optional(),
    fileName: z.string().max(500).optional(),
    waypoints: z.boolean().optional(),
    chapters: z.array(chapterSchema).min(1, 'must hold at least one chapter').max(500),
  })
  .superRefine((doc, ctx) => {
    doc.chapters.forEach((c, i) => {
      const previous = doc.chapters[i - 1];
      if (previous && c.startTime <= previous.startTime) {
        ctx.addIssue({
          code: 'custom',
          path: ['chapters', i, 'startTime'],
          message: 'must be later than the previous chapter’s startTime',
        });
      }
    });
  });

export type Chapters = z.infer<typeof chaptersSchema>;
export type Chapter = z.infer<typeof chapterSchema>;

/** A chapter as readers see it (the player's list, the studio's one-a-line text): titled. */
export interface TitledChapter {
  readonly startTime: number;
  readonly title: string;
  readonly endTime?: number | undefined;
  readonly url?: string | undefined;
}

/** A multipart field holds JSON text; a JSON body holds the object itself. */
export const chaptersField = z.preprocess(
  (value, ctx) =>
    typeof value === 'string' ? parseJsonText(value, ctx, 'a JSON chapters document') : value,
  chaptersSchema,
);

/**
 * Chapters that start at or after the end of the audio: a player could never
 * reach them. Checked once the duration is known (an upload's chapters come
 * before it is; the files then keep the chapters within the audio).
 */
export function chaptersBeyondAudio(
  doc: Chapters,
  durationSeconds: number | null,
): { field: string; message: string }[] {
  if (durationSeconds === null) return [];
  return doc.chapters.flatMap((c, i) =>
    c.startTime >= durationSeconds
      ? [
          {
            field: `chapters.${i}.startTime`,
            message: `must be before the end of the audio (${Math.floor(durationSeconds * 10) / 10} s)`,
          },
        ]
      : [],
  );
}
