/**
 * Clips (soundbites): a short excerpt of an episode with its own MP3, peaks and
 * embed URL, also listed in the feed as `podcast:soundbite`.
 */
import { z } from 'zod';

export type ClipState = 'pending' | 'processing' | 'ready' | 'failed';

export interface Clip {
  readonly id: string;
  readonly episodeId: string;
  readonly title: string;
  /** Position in the episode, in seconds. */
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly state: ClipState;
  readonly failureReason: string | null;
  /** The clip's own MP3, once cut. */
  readonly storageKey: string | null;
  readonly bytes: number | null;
  readonly durationSeconds: number | null;
  readonly peaksKey: string | null;
  /** The player's light set of the same peaks; null until made. */
  readonly playerPeaksKey?: string | null | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What `podcast:soundbite` needs: start in the episode, duration, title. */
export interface Soundbite {
  readonly clipId: string;
  readonly startTime: number;
  readonly duration: number;
  readonly title: string;
}

export const CLIP_MIN_SECONDS = 1;
/** The Podcasting 2.0 soundbite guidance: 15–120 s is typical; five minutes is the hard cap. */
export const CLIP_MAX_SECONDS = 300;
/** Fade in and out, so a cut mid-word does not click. */
export const CLIP_FADE_SECONDS = 0.05;

const seconds = z
  .number({ error: 'must be a number of seconds' })
  .finite('must be a number of seconds')
  .min(0, 'must be 0 or more');

export const createClipSchema = z
  .object({
    title: z
      .string({ error: 'is required' })
      .trim()
      .min(1, 'is required')
      .max(255, 'must be at most 255 characters'),
    start: seconds,
    end: seconds,
  })
  .superRefine((v, ctx) => {
    const length = v.end - v.start;
    if (length < CLIP_MIN_SECONDS)
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `must be at least ${CLIP_MIN_SECONDS} s after start`,
      });
    else if (length > CLIP_MAX_SECONDS)
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `must be at most ${CLIP_MAX_SECONDS} s (5 minutes) after start`,
      });
  });
export type CreateClipInput = z.infer<typeof createClipSchema>;

/** The per-show player options an editor may set. */
export const playerSettingsSchema = z.object({
  allowDownload: z.boolean({ error: 'must be true or false' }),
});
export type PlayerSettings = z.infer<typeof playerSettingsSchema>;
