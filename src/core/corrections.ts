/**
 * Corrections of an episode's audio after the fact: cut time ranges out of the
 * current master ("remove 12:04–12:19") or replace it with a new recording,
 * with a reason (kept in the history) and a public, dated note. The episode
 * keeps its guid and place in the feed; each correction is a new version.
 *
 * Pure: parsing of times, the checks of a set of cuts against the audio, and
 * the map from old times to new ones that clips (and anything timed) follow.
 */
import { z } from 'zod';
import { uploadIdSchema } from './schemas.js';

export type VersionKind = 'original' | 'cut' | 'replacement';
/** processing → live | failed; live → superseded when a newer version goes live. */
export type VersionState = 'processing' | 'live' | 'superseded' | 'failed';

export interface Cut {
  readonly start: number;
  readonly end: number;
}

/** Who asked: a person (studio) or an API token, as the history shows them. */
export interface Actor {
  readonly id: string;
  readonly name: string;
}

export interface EpisodeVersion {
  readonly id: string;
  readonly episodeId: string;
  /** 1 is the audio as first processed; each correction adds one. */
  readonly number: number;
  readonly kind: VersionKind;
  readonly state: VersionState;
  readonly reason: string | null;
  /** Shown to the public (feed item, public page), dated by `completedAt`. */
  readonly note: string | null;
  /** The ranges cut, in the previous version's time (kind `cut`). */
  readonly cuts: readonly Cut[] | null;
  /** The new recording (kind `replacement`), a private original key. */
  readonly sourceKey: string | null;
  readonly sourceName: string | null;
  readonly createdBy: Actor | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
  readonly durationSeconds: number | null;
  readonly loudness: unknown;
  /** The MP3 enclosure this version was served under (history only). */
  readonly enclosureKey: string | null;
  readonly failureReason: string | null;
}

/** A public note as feeds and pages show it. */
export interface CorrectionNote {
  /** When the corrected audio went live (ISO 8601). */
  readonly at: string;
  readonly note: string;
}

export const MAX_CUTS = 50;
/** What must remain of the recording after the cuts. */
export const MIN_KEPT_SECONDS = 1;
/** Encoders pad a little: an end this close past the duration means "to the end". */
export const END_TOLERANCE_SECONDS = 0.05;

const TIMECODE = /^(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d(?:\.\d{1,3})?)$/;

/** Seconds from `754`, `"754.5"`, `"12:04"`, `"12:04.5"` or `"1:02:03"`; null if none of these. */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{1,6}(?:\.\d{1,3})?$/.test(text)) return Number(text);
  const match = TIMECODE.exec(text);
  if (!match) return null;
  const [, hours, minutes, seconds] = match;
  if (hours !== undefined && Number(minutes) > 59) return null;
  return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** `754.5` → `12:34.5`, `3723` → `1:02:03`: how editors write times. */
export function formatTime(seconds: number): string {
  const whole = Math.floor(seconds);
  const fraction = Math.round((seconds - whole) * 10) / 10;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = `${String(s).padStart(2, '0')}${fraction > 0 ? `.${Math.round(fraction * 10)}` : ''}`;
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const time = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const seconds = parseTime(value);
  if (seconds === null) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be seconds (754.5) or a time as mm:ss or hh:mm:ss (12:04, 1:02:03)',
    });
    return z.NEVER;
  }
  return seconds;
});

const cutSchema = z
  .object({ start: time, end: time })
  .strict()
  .superRefine((cut, ctx) => {
    if (cut.end <= cut.start) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    }
  });

const requiredText = (max: number) =>
  z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`);

/** Why and what the public is told: both required, every correction is disclosed. */
export const correctionTextSchema = z.object({
  reason: requiredText(500),
  note: requiredText(1000),
});

export const cutCorrectionSchema = correctionTextSchema
  .extend({
    cuts: z
      .array(cutSchema, { error: 'must be a list of {start, end}' })
      .min(1, 'must name at least one range')
      .max(MAX_CUTS, `must name at most ${MAX_CUTS} ranges`),
  })
  .strict()
  .superRefine((input, ctx) => {
    // Overlaps are an editor's slip (two ranges typed for one): said, not merged.
    const order = input.cuts
      .map((cut, index) => ({ ...cut, index }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < order.length; i++) {
      const previous = order[i - 1]!;
      const current = order[i]!;
      if (current.start < previous.end) {
        ctx.addIssue({
          code: 'custom',
          path: ['cuts', current.index, 'start'],
          message: `overlaps range ${previous.index + 1} (${formatTime(previous.start)}–${formatTime(previous.end)})`,
        });
      }
    }
  });
export type CutCorrectionInput = z.infer<typeof cutCorrectionSchema>;

/** A replacement from a finished resumable upload (JSON), or from the multipart form's text fields. */
export const replacementCorrectionSchema = correctionTextSchema
  .extend({ upload: uploadIdSchema })
  .strict();

/** The problems of `cuts` against audio of `duration` seconds, per field; empty when fine. */
export function cutProblems(
  cuts: readonly Cut[],
  duration: number,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  cuts.forEach((cut, i) => {
    if (cut.start >= duration) {
      problems.push({
        field: `cuts.${i}.start`,
        message: `must be before the end of the audio (${formatTime(duration)})`,
      });
    } else if (cut.end > duration + END_TOLERANCE_SECONDS) {
      problems.push({
        field: `cuts.${i}.end`,
        message: `must be at most the audio's duration (${formatTime(duration)})`,
      });
    }
  });
  if (problems.length === 0 && keptSeconds(cuts, duration) < MIN_KEPT_SECONDS) {
    problems.push({ field: 'cuts', message: 'would remove the whole recording' });
  }
  return problems;
}

/** The cuts in time order, clamped to the audio. */
export function normaliseCuts(cuts: readonly Cut[], duration: number): Cut[] {
  return [...cuts]
    .map((c) => ({ start: Math.max(0, c.start), end: Math.min(c.end, duration) }))
    .filter((c) => c.end > c.start)
    .sort((a, b) => a.start - b.start);
}

/** The ranges kept, in the old time; the last one ends at `duration`. */
export function keptSegments(cuts: readonly Cut[], duration: number): Cut[] {
  const kept: Cut[] = [];
  let from = 0;
  for (const cut of normaliseCuts(cuts, duration)) {
    if (cut.start > from) kept.push({ start: from, end: cut.start });
    from = Math.max(from, cut.end);
  }
  if (duration > from) kept.push({ start: from, end: duration });
  return kept;
}

export function keptSeconds(cuts: readonly Cut[], duration: number): number {
  return keptSegments(cuts, duration).reduce((sum, s) => sum + (s.end - s.start), 0);
}

/** What a range of the old audio became: the same, moved earlier, or (partly) cut. */
export type RangeFate =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'shifted'; readonly start: number; readonly end: number }
  | { readonly kind: 'cut' };

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function rangeFate(range: Cut, cuts: readonly Cut[]): RangeFate {
  let removedBefore = 0;
  for (const cut of normaliseCuts(cuts, Number.POSITIVE_INFINITY)) {
    if (cut.end <= range.start) removedBefore += cut.end - cut.start;
    else if (cut.start < range.end) return { kind: 'cut' };
  }
  if (removedBefore === 0) return { kind: 'unchanged' };
  return {
    kind: 'shifted',
    start: round3(range.start - removedBefore),
    end: round3(range.end - removedBefore),
  };
}

/**
 * The dated heading of a public note, in the episode's language (French or
 * English, the languages of the studio): "Rectificatif du 2 mai 2024",
 * "Correction of May 2, 2024". Dates are UTC days.
 */
export function correctionHeading(at: string, language: string | null | undefined): string {
  const french = (language ?? '').toLowerCase().startsWith('fr');
  const date = new Intl.DateTimeFormat(french ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(at));
  return french ? `Rectificatif du ${date}` : `Correction of ${date}`;
}
