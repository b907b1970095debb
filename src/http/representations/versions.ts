import { z } from 'zod';
import type { EpisodeVersion } from '../../core/corrections.js';
import type { LoudnessReport } from '../../core/media-types.js';
import { resource, timestamp } from './common.js';

/** One version of an episode's audio, as the history shows it. */
export const versionSchema = resource(
  'EpisodeVersion',
  z.object({
    number: z.int().min(1).describe('1 is the audio as first processed'),
    kind: z.enum(['original', 'cut', 'replacement']),
    state: z
      .enum(['processing', 'live', 'superseded', 'failed'])
      .describe('`live`: what the feed and the player serve; `failed`: the one before stayed live'),
    reason: z.string().nullable().describe('Why (editors only)'),
    note: z.string().nullable().describe('The public correction note'),
    cuts: z
      .array(z.object({ start: z.number(), end: z.number() }))
      .nullable()
      .describe('Ranges removed, in seconds of the version before'),
    source: z.string().nullable().describe('The file name of a replacement or original'),
    createdBy: z.string().nullable().describe('Who asked (a person or an API token)'),
    createdAt: timestamp,
    completedAt: timestamp.nullable(),
    durationSeconds: z.number().nullable(),
    loudness: z
      .object({ integrated: z.number().describe('LUFS'), truePeak: z.number().describe('dBTP') })
      .nullable()
      .describe('Measured on the processed audio'),
    failureReason: z.string().nullable(),
  }),
);

export const versionListSchema = z.object({
  episodeId: z.string(),
  versions: z.array(versionSchema).describe('Newest first'),
});

export function versionJson(v: EpisodeVersion): z.input<typeof versionSchema> {
  const loudness = v.loudness as LoudnessReport | null;
  return {
    number: v.number,
    kind: v.kind,
    state: v.state,
    reason: v.reason,
    note: v.note,
    cuts: v.cuts?.map((c) => ({ start: c.start, end: c.end })) ?? null,
    source: v.kind === 'cut' ? null : v.sourceName,
    createdBy: v.createdBy?.name ?? null,
    createdAt: v.createdAt.toISOString(),
    completedAt: v.completedAt?.toISOString() ?? null,
    durationSeconds: v.durationSeconds,
    loudness: loudness?.output
      ? { integrated: loudness.output.integrated, truePeak: loudness.output.truePeak }
      : null,
    failureReason: v.failureReason,
  };
}
