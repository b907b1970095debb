/**
 * Every public URL Antenne hands out, built from the configured public origin
 * (`PUBLIC_URL`, no trailing slash). Routes match these paths; nothing else
 * spells them out.
 */
import type { Episode } from './domain.js';
import { isAlwaysPublicKey } from './storage-keys.js';

/** The path segment that opens a publication-keyed media URL. Storage keys never start with it. */
export const PUBLISHED_SEGMENT = 'p';

export interface PublicUrls {
  /** A show's feed, or one of its topic feeds. */
  feed(showSlug: string, topicSlug?: string): string;
  /** The public page of an episode (what oEmbed resolves). */
  episodePage(episodeId: string): string;
  embedEpisode(episodeId: string): string;
  embedClip(clipId: string): string;
  oembed(pageUrl: string, format?: 'json' | 'xml'): string;
  /** A stored file by its key, as is (artwork; signed URLs add their query). */
  media(storageKey: string): string;
  /** A published episode's file: dies with the publication. */
  publishedMedia(publicationKey: string, storageKey: string): string;
  apiEpisode(episodeId: string): string;
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
    media: (key) => `${origin}/media/${key}`,
    publishedMedia: (publicationKey, key) =>
      `${origin}/media/${PUBLISHED_SEGMENT}/${publicationKey}/${key}`,
    apiEpisode: (id) => `${origin}/api/episodes/${id}`,
  };
}

export const directMediaUrl = (origin: string, key: string) => publicUrls(origin).media(key);

/** Public URL of a file of a published episode (or of one of its clips); artwork is always public. */
export function publishedMediaUrl(origin: string, publicationKey: string, key: string): string {
  const urls = publicUrls(origin);
  return isAlwaysPublicKey(key) ? urls.media(key) : urls.publishedMedia(publicationKey, key);
}

/** A published episode's URL builder; throws for one that is not published (a caller bug). */
export function publishedMediaUrls(
  origin: string,
  episode: Pick<Episode, 'id' | 'publicationKey'>,
): (key: string) => string {
  const publicationKey = episode.publicationKey;
  if (!publicationKey) {
    return (key) => {
      if (isAlwaysPublicKey(key)) return directMediaUrl(origin, key);
      throw new Error(`Episode ${episode.id} is not published: its media have no public URL`);
    };
  }
  return (key) => publishedMediaUrl(origin, publicationKey, key);
}
