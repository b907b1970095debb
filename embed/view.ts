/** What the player and the public page show: plain data, built by data.ts, rendered by pure functions. */
import { playerHeightWith } from '../src/http/embed-code.js';
import type { TitledChapter } from '../src/core/chapters.js';
import type { TranscriptCue } from '../src/core/transcripts.js';
import { parseClock } from './client/time.js';
import type { Lang } from '../src/http/i18n/lang.js';

export interface PlayerView {
  readonly kind: 'episode' | 'clip';
  readonly id: string;
  readonly lang: Lang;
  /** Episode title, or the clip's own title. */
  readonly title: string;
  /** For a clip: the episode it comes from. */
  readonly episodeTitle: string;
  readonly showTitle: string;
  readonly articleUrl: string;
  readonly artworkUrl: string | null;
  readonly audio: { readonly url: string; readonly type: string; readonly bytes: number };
  readonly durationSeconds: number;
  readonly peaksUrl: string | null;
  readonly chapters: readonly TitledChapter[];
  readonly transcript: readonly TranscriptCue[];
  /** Set when the show allows downloads. */
  readonly downloadUrl: string | null;
  /** Page a shared link points to (`?t=` is added by the script). */
  readonly shareUrl: string;
  /** This player's own embed URL (for oEmbed and player cards). */
  readonly embedUrl: string;
  /** The public episode page. */
  readonly pageUrl: string;
  /** Where the player reports listens (episodes, with audience counting on). */
  readonly listensUrl?: string | null;
}

export interface EpisodePageView {
  readonly player: PlayerView;
  readonly summaryHtml: string;
  readonly summaryText: string;
  /** Public correction notes, newest first, each with its dated heading. */
  readonly corrections: readonly {
    readonly at: string;
    readonly heading: string;
    readonly note: string;
  }[];
  readonly author: string | null;
  readonly people: readonly { readonly name: string; readonly role?: string | undefined }[];
  readonly publishedAt: Date;
  readonly showAuthor: string;
  readonly feedUrl: string;
  readonly oembedUrl: string;
  readonly embedCode: string;
}

/** The iframe height that fits the player: taller when it shows chapters or a transcript. */
export function playerHeight(view: Pick<PlayerView, 'chapters' | 'transcript'>): number {
  return playerHeightWith(view.chapters.length > 0 || view.transcript.length > 0);
}

/** Playback start from `?t=` (seconds or [hh:]mm:ss), clamped into the audio. */
export function parseStart(value: unknown, durationSeconds: number): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const t = parseClock(value);
  if (t === null || t >= durationSeconds) return null;
  return t;
}
