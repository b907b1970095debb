/**
 * Chapters and transcript for the player, read from what the editor uploaded
 * for the feed (chapters JSON 1.2.0 and WebVTT/SRT files in storage).
 */
import { text } from 'node:stream/consumers';
import type { Episode } from '../src/core/domain.js';
import { chaptersSchema, type TitledChapter } from '../src/core/chapters.js';
import { checkTranscript, parseCues, type TranscriptCue } from '../src/core/transcripts.js';
import type { BlobStorage } from '../src/storage/blob-storage.js';
import type { EpisodeExtrasSource } from './extras.js';

export function storedExtras(storage: BlobStorage): EpisodeExtrasSource {
  const read = async (key: string) => text(await storage.openRead(key));
  return {
    async chapters(episode: Episode): Promise<TitledChapter[] | null> {
      const key = episode.feed?.chaptersKey;
      if (!key) return null;
      const parsed = chaptersSchema.safeParse(JSON.parse(await read(key)));
      if (!parsed.success) return null;
      return parsed.data.chapters
        .filter((c) => c.toc !== false && c.title)
        .map((c) => ({ startTime: c.startTime, title: c.title!, endTime: c.endTime, url: c.url }));
    },
    async transcript(episode: Episode): Promise<TranscriptCue[] | null> {
      const key = episode.feed?.transcript?.key;
      if (!key) return null;
      const body = await read(key);
      if (!checkTranscript(Buffer.from(body, 'utf8')).ok) return null;
      return parseCues(body);
    },
  };
}
