/**
 * Every public URL Antenne hands out, built from the configured public origin
 * (`PUBLIC_URL`, no trailing slash) and, for stored files, the media base
 * (`PUBLIC_URL/media`, or `MEDIA_PUBLIC_URL`: a CDN or proxy in front of /media,
 * same paths below it). Routes match these paths; nothing else spells them out.
 */
import type { Episode } from './domain.js';
import { isAlwaysPublicKey, isEpisodeAudioKey } from './storage-keys.js';

/** The path segment that opens a publication-keyed media URL. Storage keys never start with it. */
export const PUBLISHED_SEGMENT = 'p';

/**
 * Where `/media` is reached from outside, without a trailing slash. A type of its
 * own so that a site origin is never taken for it (media URLs may live on a CDN).
 */
export type MediaBase = string & { readonly __mediaBase: true };

export const mediaBase = (url: string) => url.replace(/\/+$/, '') as MediaBase;

/** Without MEDIA_PUBLIC_URL: this server's own /media. */
export const defaultMediaBase = (origin: string) => mediaBase(`${origin}/media`);

/**
 * The counting redirect in front of a CDN (docs/privacy.md): the same paths as
 * /media, on this server; it counts the request, then redirects to MEDIA_PUBLIC_URL.
 */
export const COUNTING_PATH = '/listen';
export const countingMediaBase = (origin: string) => mediaBase(`${origin}${COUNTING_PATH}`);

/**
 * The mark the Antenne player adds to its audio URL, so that its downloads are
 * counted as its own (a browser's Referer would say less across origins).
 */
export const PLAYER_MARK = { name: 'via', value: 'player' } as const;
export const withPlayerMark = (url: string) =>
  `${url}${url.includes('?') ? '&' : '?'}${PLAYER_MARK.name}=${PLAYER_MARK.value}`;

export interface PublicUrls {
  /** A show's feed, or one of its topic feeds. */
  feed(showSlug: string, topicSlug?: string): string;
  /** The public page of an episode (what oEmbed resolves). */
  episodePage(episodeId: string): string;
  embedEpisode(episodeId: string): string;
  embedClip(clipId: string): string;
  oembed(pageUrl: string, format?: 'json' | 'xml'): string;
  apiEpisode(episodeId: string): string;
  /** Where the player reports listens (POST, a beacon). */
  listens(): string;
}

export function publicUrls(origin: string): PublicUrls {
  return {
    feed: (showSlug, topicSlug) =>
      topicSlug
        ? `${origin}/feeds/${showSlug}/${topicSlug}.xml`
        : `${origin}/feeds/${showSlug}.xml`,
    episodePage: (id) => `${origin}/episodes/${id}`,
    embedEpisode: (id) => `${origin}/embed/episodes/${id}`,
    embedClip: (id) => `${origin}/embed/clips/${id}`,
    oembed: (pageUrl, format) =>
      `${origin}/oembed?${new URLSearchParams(format ? { url: pageUrl, format } : { url: pageUrl }).toString()}`,
    apiEpisode: (id) => `${origin}/api/episodes/${id}`,
    listens: () => `${origin}/api/listens`,
  };
}

/** A stored file by its key, as is (artwork; signed URLs add their query). */
export const directMediaUrl = (base: MediaBase, key: string) => `${base}/${key}`;

/** Public URL of a file of a published episode (or of one of its clips): dies with the publication; artwork is always public. */
export function publishedMediaUrl(base: MediaBase, publicationKey: string, key: string): string {
  return isAlwaysPublicKey(key)
    ? directMediaUrl(base, key)
    : `${base}/${PUBLISHED_SEGMENT}/${publicationKey}/${key}`;
}

/**
 * A published episode's URL builder; throws for one that is not published (a caller bug).
 * Its audio renditions are on `audioBase` (the counting redirect, when there is one).
 */
export function publishedMediaUrls(
  base: MediaBase,
  episode: Pick<Episode, 'id' | 'publicationKey'>,
  audioBase: MediaBase = base,
): (key: string) => string {
  const publicationKey = episode.publicationKey;
  if (!publicationKey) {
    return (key) => {
      if (isAlwaysPublicKey(key)) return directMediaUrl(base, key);
      throw new Error(`Episode ${episode.id} is not published: its media have no public URL`);
    };
  }
  return (key) => publishedMediaUrl(isEpisodeAudioKey(key) ? audioBase : base, publicationKey, key);
}
