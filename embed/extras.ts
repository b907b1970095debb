/**
 * Chapters and transcripts come from the feeds issue's storage. The player reads
 * them through this optional source: when a source has nothing (or there is no
 * source yet), the player and the page simply show no chapters or transcript.
 */
import type { TitledChapter } from '../src/core/chapters.js';
import type { Episode } from '../src/core/domain.js';
import type { TranscriptCue } from '../src/core/transcripts.js';

export interface EpisodeExtrasSource {
  chapters(episode: Episode): Promise<readonly TitledChapter[] | null>;
  transcript(episode: Episode): Promise<readonly TranscriptCue[] | null>;
}

export const noExtras: EpisodeExtrasSource = {
  chapters: () => Promise.resolve(null),
  transcript: () => Promise.resolve(null),
};

/** Keeps what a player can use: finite times, titled, sorted, inside the audio. */
export function cleanChapters(
  chapters: readonly TitledChapter[] | null,
  durationSeconds: number,
): TitledChapter[] {
  return (chapters ?? [])
    .filter(
      (c) =>
        Number.isFinite(c.startTime) &&
        c.startTime >= 0 &&
        c.startTime < durationSeconds &&
        c.title.trim() !== '',
    )
    .sort((a, b) => a.startTime - b.startTime);
}

export function cleanTranscript(cues: readonly TranscriptCue[] | null): TranscriptCue[] {
  return (cues ?? [])
    .filter((c) => Number.isFinite(c.start) && Number.isFinite(c.end) && c.text.trim() !== '')
    .sort((a, b) => a.start - b.start);
}
