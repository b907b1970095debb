import type { Chapters } from './chapters.js';
import type { CorrectionNote } from './corrections.js';
import type { EpisodeState } from './episode-state.js';
import type { LoudnessReport } from './media-types.js';
import type { AudioAnalysis, QualityOverride, QualitySettingsInput } from './quality.js';

/** A show's audio settings; null fields mean the defaults (−16 LUFS stereo, −1 dBTP, default ladder). */
export interface ShowAudioSettings {
  readonly loudnessTargetLufs: number | null;
  readonly truePeakDbtp: number | null;
  readonly renditionProfiles: readonly string[] | null;
}

/** What an editor asked for when (re)processing: overrides the show's settings. */
export interface ProcessingOptions {
  readonly renditionProfiles?: readonly string[] | undefined;
  readonly loudnessTargetLufs?: number | undefined;
  readonly truePeakDbtp?: number | undefined;
}

export interface Show {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly language: string;
  readonly author: string;
  readonly owner: { readonly name: string; readonly email: string };
  readonly imageUrl: string | null;
  readonly category: string;
  readonly subcategory: string | null;
  readonly explicit: boolean;
  readonly type: 'episodic' | 'serial';
  readonly siteUrl: string;
  readonly copyright: string | null;
  readonly podcastGuid: string;
  readonly audio?: ShowAudioSettings | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  // Feed settings (0003-feeds). Optional so older literals stay valid; the repository always fills them.
  /** Storage key of the uploaded artwork (preferred over imageUrl). */
  readonly artworkKey?: string | null;
  readonly medium?: string;
  readonly locked?: boolean;
  readonly txt?: string | null;
  /** The show's feed on another host (0015): its feed here carries itunes:new-feed-url. */
  readonly newFeedUrl?: string | null;
  /** The quality report's thresholds (0013): only what differs from the defaults. */
  readonly quality?: QualitySettingsInput | null;
}

/** The show's artwork as apps and players fetch it: the uploaded file, else the configured URL. */
export function showArtworkUrl(
  show: Pick<Show, 'artworkKey' | 'imageUrl'>,
  mediaUrl: (key: string) => string,
): string | null {
  return show.artworkKey ? mediaUrl(show.artworkKey) : show.imageUrl;
}

export interface Person {
  readonly name: string;
  readonly role?: string | undefined;
}

/** The article an episode belongs to: the newsroom's metadata, carried into the feed. */
export interface Article {
  readonly url: string;
  readonly title: string;
  /** HTML allowed; sanitised before it reaches a feed or a page. */
  readonly summary: string;
  readonly author: string | null;
  readonly publishedAt: Date;
  readonly categories: readonly string[];
  readonly imageUrl: string | null;
  readonly source: string | null;
  readonly copyright: string | null;
  readonly language: string | null;
}

export interface Rendition {
  readonly id: string;
  readonly episodeId: string;
  readonly profile: string;
  readonly mimeType: string;
  readonly codec: string;
  readonly bitrateKbps: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly bytes: number;
  readonly durationSeconds: number;
  readonly storageKey: string;
  readonly sha256: string;
  readonly createdAt: Date;
}

/**
 * The MP3 of an episode (or the first of them): the feed's `<enclosure>`, what
 * the web player plays and what clips are cut from, since every client decodes it.
 */
export function mp3Enclosure<R extends Pick<Rendition, 'mimeType'>>(
  renditions: readonly R[],
): R | undefined {
  return renditions.find((r) => r.mimeType === 'audio/mpeg');
}

export interface Episode {
  readonly id: string;
  readonly showId: string;
  readonly guid: string;
  readonly state: EpisodeState;
  readonly progress: number;
  readonly failureReason: string | null;
  readonly processingRevision: number;
  readonly article: Article;
  readonly interviewees: readonly Person[];
  readonly original: { readonly key: string; readonly name: string; readonly bytes: number };
  readonly durationSeconds: number | null;
  /** Storage key of the waveform peaks JSON (BBC audiowaveform v2), once processed. */
  readonly peaksKey: string | null;
  /** The player's light set of the same peaks (at most 1,000 bars); null until made. */
  readonly playerPeaksKey?: string | null | undefined;
  /** Editor's chapters (Podcasting 2.0 JSON chapters). */
  readonly chapters?: Chapters | null | undefined;
  /** Loudness measured before and after processing. */
  readonly loudness?: LoudnessReport | null | undefined;
  readonly processingOptions?: ProcessingOptions | null | undefined;
  /**
   * The key of the current publication: part of every public media URL, new at each
   * publication, null while the episode is not published (its media are then private).
   */
  readonly publicationKey?: string | null | undefined;
  /** Public notes of the corrections made to its audio, oldest first (0014). */
  readonly correctionNotes?: readonly CorrectionNote[] | undefined;
  /** What the worker measured of the original for the quality report (0013). */
  readonly audioAnalysis?: AudioAnalysis | null | undefined;
  /** Publications made despite blocking findings, oldest first (0013). */
  readonly qualityOverrides?: readonly QualityOverride[] | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Publication and item fields (0003-feeds); the repository always fills it. */
  readonly feed?: EpisodeFeedFields;
}

export interface EpisodeFeedFields {
  /** When a `scheduled` episode goes public. */
  readonly scheduledAt: Date | null;
  readonly episodeType: 'full' | 'trailer' | 'bonus';
  readonly season: number | null;
  readonly episodeNumber: number | null;
  /** null: the show's setting. */
  readonly explicit: boolean | null;
  readonly location: {
    readonly name: string;
    readonly geo?: string | undefined;
    readonly osm?: string | undefined;
  } | null;
  readonly transcript: { readonly key: string; readonly type: string } | null;
  readonly chaptersKey: string | null;
}

export interface TopicFeed {
  readonly id: string;
  readonly showId: string;
  readonly slug: string;
  readonly title: string;
  /** Article category an episode must carry (exact text). */
  readonly category: string;
  readonly description: string | null;
  readonly podcastGuid: string;
  readonly createdAt: Date;
}
