/** What the player and the public page show: plain data, built by data.ts, rendered by pure functions. */
import type { ChapterEntry, TranscriptCue } from './extras.js';
import type { Lang } from './i18n.js';

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
  readonly chapters: readonly ChapterEntry[];
  readonly transcript: readonly TranscriptCue[];
  /** Set when the show allows downloads. */
  readonly downloadUrl: string | null;
  /** Page a shared link points to (`?t=` is added by the script). */
  readonly shareUrl: string;
  /** This player's own embed URL (for oEmbed and player cards). */
  readonly embedUrl: string;
  /** The public episode page. */
  readonly pageUrl: string;
}

export interface EpisodePageView {
  readonly player: PlayerView;
  readonly summaryHtml: string;
  readonly summaryText: string;
  readonly author: string | null;
  readonly people: readonly { readonly name: string; readonly role?: string | undefined }[];
  readonly publishedAt: Date;
  readonly showAuthor: string;
  readonly feedUrl: string;
  readonly oembedUrl: string;
  readonly embedCode: string;
}

/** The iframe height that fits the player: taller when it has chapters or a transcript. */
export function playerHeight(view: Pick<PlayerView, 'chapters' | 'transcript'>): number {
  return view.chapters.length || view.transcript.length ? 420 : 190;
}
export const PLAYER_WIDTH = 640;

/** Playback start from `?t=` (seconds or [hh:]mm:ss), clamped into the audio. */
export function parseStart(value: unknown, durationSeconds: number): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const t = parseClock(value);
  if (t === null || t >= durationSeconds) return null;
  return t;
}

/** "90", "90.5", "1:30", "01:02:03.5", "npt:90" → seconds. */
export function parseClock(text: string): number | null {
  const m = /^(?:npt:)?(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)s?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1] ?? 0);
  const min = Number(m[2] ?? 0);
  const s = Number(m[3]);
  if ((m[2] !== undefined && s >= 60) || (m[1] !== undefined && min >= 60)) return null;
  const total = h * 3600 + min * 60 + s;
  return Number.isFinite(total) ? total : null;
}
