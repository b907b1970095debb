import { z } from 'zod';
import type { Clip } from '../../core/clips.js';
import type { MediaUrls } from '../media-urls.js';
import { resource, timestamp, url } from './common.js';
import { publicUrls } from '../../core/urls.js';

/** A clip (soundbite) for editors: its files through signed URLs (the clip's embed is its public face). */
export const clipSchema = resource(
  'Clip',
  z.object({
    id: z.string(),
    episodeId: z.string(),
    title: z.string(),
    start: z.number().describe('Seconds into the episode'),
    end: z.number().describe('Seconds into the episode'),
    state: z.enum(['pending', 'processing', 'ready', 'failed']),
    failureReason: z.string().nullable(),
    durationSeconds: z.number().nullable(),
    audioUrl: url.nullable().describe('The clip’s MP3 once cut (signed URL)'),
    bytes: z.int().nullable(),
    peaksUrl: url.nullable(),
    links: z.object({ self: url, embed: url, episode: url }),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);

export function clipJson(clip: Clip, urls: MediaUrls): z.input<typeof clipSchema> {
  const { publicUrl } = urls;
  return {
    id: clip.id,
    episodeId: clip.episodeId,
    title: clip.title,
    start: clip.startSeconds,
    end: clip.endSeconds,
    state: clip.state,
    failureReason: clip.failureReason,
    durationSeconds: clip.durationSeconds,
    audioUrl: clip.storageKey ? urls.signed(clip.storageKey) : null,
    bytes: clip.bytes,
    peaksUrl: clip.peaksKey ? urls.signed(clip.peaksKey) : null,
    links: {
      self: `${publicUrl}/api/clips/${clip.id}`,
      embed: publicUrls(publicUrl).embedClip(clip.id),
      episode: publicUrls(publicUrl).apiEpisode(clip.episodeId),
    },
    createdAt: clip.createdAt.toISOString(),
    updatedAt: clip.updatedAt.toISOString(),
  };
}
