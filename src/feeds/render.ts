/**
 * Pure: a feed snapshot (+ the items already rendered) → the XML of the show
 * feed and of each topic feed. Renders only the episodes the snapshot carries
 * in full; the others' items are reused while their signature holds.
 */
import { mp3Enclosure, type Show } from '../core/domain.js';
import {
  defaultMediaBase,
  directMediaUrl,
  publicUrls,
  publishedMediaUrls,
  type MediaBase,
} from '../core/urls.js';
import type { FeedSnapshot } from '../db/repositories/feeds.repo.js';
import { CHANNEL_END, channelHead, itemBody, itemXml, type Soundbite } from './podcast-feed.js';

/** Soundbites per episode id (the episode's clips). */
export type SoundbiteProvider = (
  episodeIds: readonly string[],
) => Promise<ReadonlyMap<string, readonly Soundbite[]>>;

export const showFeedKey = (showId: string) => `${showId}`;
export const topicFeedKey = (showId: string, topicSlug: string) => `${showId}/${topicSlug}`;

export interface RenderedFeed {
  readonly key: string;
  readonly xml: string;
  readonly itemCount: number;
}

/** An item rendered once and reused while its signature (episode, renditions, show) holds. */
export interface Fragment {
  readonly signature: string;
  /** null: no enclosure yet, so not in the feed. */
  readonly body: string | null;
  readonly categories: readonly string[];
}

/** Items depend on the show too (artwork, author): a show edit renders them all again. */
export const showVersion = (show: Show) => String(show.updatedAt.getTime());

const isAudio = (mimeType: string) => mimeType.startsWith('audio/');

export function renderFeeds(
  snapshot: FeedSnapshot,
  previous: ReadonlyMap<string, Fragment>,
  publicUrl: string,
  soundbites: ReadonlyMap<string, readonly Soundbite[]> = new Map(),
  /** Where enclosures and artwork are fetched (MEDIA_PUBLIC_URL); the site's own /media by default. */
  media: MediaBase = defaultMediaBase(publicUrl),
  /** Where enclosures point when audience counting redirects (config media.audioBase). */
  audio: MediaBase = media,
): { feeds: RenderedFeed[]; fragments: Map<string, Fragment> } {
  const { show } = snapshot;
  const urls = publicUrls(publicUrl);
  const full = new Map(snapshot.episodes.map((e) => [e.id, e]));
  const fragments = new Map<string, Fragment>();
  let lastChange = show.updatedAt;
  for (const row of snapshot.index) {
    if (row.updatedAt > lastChange) lastChange = row.updatedAt;
    const episode = full.get(row.id);
    if (!episode) {
      const kept = previous.get(row.id);
      if (!kept) throw new Error(`feed fragment of ${row.id} missing`);
      fragments.set(row.id, kept);
      continue;
    }
    const renditions = snapshot.renditions.get(episode.id) ?? [];
    // The enclosure is the MP3; other audio renditions are alternates.
    const enclosure = mp3Enclosure(renditions);
    fragments.set(row.id, {
      signature: row.signature,
      categories: episode.article.categories,
      body: enclosure
        ? itemBody(
            { show, mediaUrl: publishedMediaUrls(media, episode, audio) },
            {
              episode,
              enclosure,
              alternates: renditions.filter((r) => r !== enclosure && isAudio(r.mimeType)),
            },
          )
        : null,
    });
  }

  const assemble = (
    key: string,
    channel: { title?: string; description?: string; podcastGuid?: string; feedUrl: string },
    include: (f: Fragment) => boolean,
  ): RenderedFeed => {
    const items: string[] = [];
    let newest: Date | null = null;
    for (const row of snapshot.index) {
      const f = fragments.get(row.id)!;
      if (!f.body || !include(f)) continue;
      newest ??= row.publishedAt;
      items.push(itemXml(f.body, soundbites.get(row.id)));
    }
    const head = channelHead({
      show,
      ...channel,
      // The channel shows the show's artwork only; items their episode's published files.
      mediaUrl: (key) => directMediaUrl(media, key),
      lastChange,
      newest: newest ?? lastChange,
    });
    return { key, itemCount: items.length, xml: head + items.join('') + CHANNEL_END };
  };

  const feeds = [assemble(showFeedKey(show.id), { feedUrl: urls.feed(show.slug) }, () => true)];
  for (const topic of snapshot.topics) {
    feeds.push(
      assemble(
        topicFeedKey(show.id, topic.slug),
        {
          title: topic.title,
          description: topic.description ?? show.description,
          podcastGuid: topic.podcastGuid,
          feedUrl: urls.feed(show.slug, topic.slug),
        },
        (f) => f.categories.includes(topic.category),
      ),
    );
  }
  return { feeds, fragments };
}
