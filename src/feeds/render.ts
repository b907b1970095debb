/**
 * Pure: a feed snapshot (+ the items already rendered) → the XML of the show
 * feed and of each topic feed. Renders only the episodes the snapshot carries
 * in full; the others' items are reused (held in memory, or stored) under their
 * fragment key. The channel is rendered every time; the items are spliced in.
 */
import { mp3Enclosure } from '../core/domain.js';
import {
  defaultMediaBase,
  directMediaUrl,
  publicUrls,
  publishedMediaUrls,
  type MediaBase,
} from '../core/urls.js';
import type { StoredFragment } from '../db/repositories/feed-fragments.repo.js';
import type { FeedSnapshot } from '../db/repositories/feeds.repo.js';
import { itemShow } from './item-fragments.js';
import {
  CHANNEL_END,
  channelHead,
  itemBody,
  itemXml,
  soundbitesXml,
  ITEM_END,
  ITEM_START,
  type Soundbite,
} from './podcast-feed.js';

/** Soundbites per episode id (the episode's clips). */
export type SoundbiteProvider = (
  episodeIds: readonly string[],
) => Promise<ReadonlyMap<string, readonly Soundbite[]>>;

/** What the channel announces beyond the show's own fields. */
export interface ChannelExtras {
  /** `<atom:link rel="hub">` (WEBSUB_HUB_URL). */
  readonly hubUrl?: string | undefined;
  /**
   * The feed moved. `renamed`: the show's slug changed here, its former URLs
   * answer 301 and every feed announces its own (new) URL; `elsewhere`: the
   * show feed announces the URL the show declared on another host.
   */
  readonly moved?: { readonly renamed: boolean; readonly elsewhere: string | null } | undefined;
}

export const showFeedKey = (showId: string) => `${showId}`;
export const topicFeedKey = (showId: string, topicSlug: string) => `${showId}/${topicSlug}`;

export interface RenderedFeed {
  readonly key: string;
  /** The document, UTF-8. */
  readonly body: Buffer;
  readonly itemCount: number;
}

/** An item as a process holds it: rendered once, its bytes ready to splice. */
export interface Fragment {
  readonly key: string;
  /** null: no enclosure yet, so not in the feed. */
  readonly body: string | null;
  readonly categories: readonly string[];
  /** `<item>…</item>` without soundbites, UTF-8 (null when body is). */
  readonly bytes: Buffer | null;
}

/** What a rebuild did with each item. */
export interface ItemCounts {
  readonly rendered: number;
  readonly held: number;
  readonly stored: number;
}

const isAudio = (mimeType: string) => mimeType.startsWith('audio/');

const ITEM_START_BYTES = Buffer.from(ITEM_START);
const ITEM_END_BYTES = Buffer.from(ITEM_END);
const CHANNEL_END_BYTES = Buffer.from(CHANNEL_END);

/** A stored (or just rendered) item, made ready to splice. */
export function toFragment(stored: Omit<StoredFragment, 'episodeId'>): Fragment {
  return {
    key: stored.key,
    body: stored.body,
    categories: stored.categories,
    bytes: stored.body === null ? null : Buffer.from(itemXml(stored.body, undefined)),
  };
}

/** Items rendered between two turns of the event loop. */
const ITEMS_PER_TURN = 100;

/**
 * Lets the event loop run: feeds keep being served during a long render, and the
 * `xml` writer's queued callbacks (one per document it writes) are released
 * instead of holding every item rendered so far until the end (half the CPU of
 * a cold render went to collecting them).
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function renderFeeds(
  snapshot: FeedSnapshot,
  held: ReadonlyMap<string, Fragment>,
  publicUrl: string,
  soundbites: ReadonlyMap<string, readonly Soundbite[]> = new Map(),
  /** Where enclosures and artwork are fetched (MEDIA_PUBLIC_URL); the site's own /media by default. */
  media: MediaBase = defaultMediaBase(publicUrl),
  /** Where enclosures point when audience counting redirects (config media.audioBase). */
  audio: MediaBase = media,
  /** Channel-level additions: the WebSub hub, and where the feed moved. */
  channel: ChannelExtras = {},
): Promise<{
  feeds: RenderedFeed[];
  /** Every item of the feed, to hold for the next rebuild. */
  fragments: Map<string, Fragment>;
  /** The items rendered now, to store. */
  rendered: StoredFragment[];
  counts: ItemCounts;
}> {
  const { show } = snapshot;
  const urls = publicUrls(publicUrl);
  const full = new Map(snapshot.episodes.map((e) => [e.id, e]));
  const shown = itemShow(show);
  const fragments = new Map<string, Fragment>();
  const rendered: StoredFragment[] = [];
  const counts = { rendered: 0, held: 0, stored: 0 };
  let lastChange = show.updatedAt;
  for (const row of snapshot.index) {
    if (row.updatedAt > lastChange) lastChange = row.updatedAt;
    const episode = full.get(row.id);
    if (!episode) {
      const kept = held.get(row.id);
      if (kept?.key === row.key) {
        counts.held += 1;
        fragments.set(row.id, kept);
        continue;
      }
      const stored = snapshot.stored.get(row.id);
      if (stored?.key !== row.key) throw new Error(`feed fragment of ${row.id} missing`);
      counts.stored += 1;
      fragments.set(row.id, toFragment(stored));
      continue;
    }
    const renditions = snapshot.renditions.get(episode.id) ?? [];
    // The enclosure is the MP3; other audio renditions are alternates.
    const enclosure = mp3Enclosure(renditions);
    const fragment: StoredFragment = {
      episodeId: row.id,
      key: row.key,
      categories: episode.article.categories,
      body: enclosure
        ? itemBody(
            { show: shown, mediaUrl: publishedMediaUrls(media, episode, audio) },
            {
              episode,
              enclosure,
              alternates: renditions.filter((r) => r !== enclosure && isAudio(r.mimeType)),
            },
          )
        : null,
    };
    counts.rendered += 1;
    if (counts.rendered % ITEMS_PER_TURN === 0) await nextTurn();
    rendered.push(fragment);
    fragments.set(row.id, toFragment(fragment));
  }

  const assemble = (
    key: string,
    head: { title?: string; description?: string; podcastGuid?: string; feedUrl: string },
    include: (f: Fragment) => boolean,
  ): RenderedFeed => {
    const items: Buffer[] = [];
    let itemCount = 0;
    let newest: Date | null = null;
    for (const row of snapshot.index) {
      const f = fragments.get(row.id)!;
      if (!f.body || !f.bytes || !include(f)) continue;
      newest ??= row.publishedAt;
      itemCount += 1;
      const bites = soundbites.get(row.id);
      if (bites?.length) {
        // Soundbites change without the episode changing: added around the held body.
        items.push(ITEM_START_BYTES, Buffer.from(f.body + soundbitesXml(bites)), ITEM_END_BYTES);
      } else {
        items.push(f.bytes);
      }
    }
    // A topic feed has no counterpart on another host: only the show feed points there.
    const elsewhere = key === showFeedKey(show.id) ? channel.moved?.elsewhere : null;
    const start = channelHead({
      show,
      ...head,
      hubUrl: channel.hubUrl,
      newFeedUrl: elsewhere ?? (channel.moved?.renamed ? head.feedUrl : undefined),
      // The channel shows the show's artwork only; items their episode's published files.
      mediaUrl: (key) => directMediaUrl(media, key),
      lastChange,
      newest: newest ?? lastChange,
    });
    return {
      key,
      itemCount,
      body: Buffer.concat([Buffer.from(start), ...items, CHANNEL_END_BYTES]),
    };
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
  return { feeds, fragments, rendered, counts };
}
