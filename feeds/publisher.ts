/**
 * Pre-rendered feeds. A change (publish, edit, schedule firing…) re-renders the
 * show's feeds once (concurrent requests for the same show are coalesced into
 * one more run), compresses them (gzip, br) and stores the bytes in the
 * database; requests are served from memory, revalidated against the stored
 * ETag at most once per `revalidateMs` (another process may have re-rendered).
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Logger } from '../src/core/logger.js';
import type {
  FeedSnapshot,
  FeedsRepository,
  StoredRender,
} from '../src/db/repositories/feeds.repo.js';
import { mediaUrl } from '../src/http/representations.js';
import { topicFeedUrlFor } from '../src/services/publishing.js';
import { feedUrlFor } from '../src/services/shows.js';
import { buildPodcastFeed, type FeedEntry, type Soundbite } from './podcast-feed.js';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Soundbites per episode id (clips, from the reader issue); optional. */
export type SoundbiteProvider = (
  episodeIds: readonly string[],
) => Promise<ReadonlyMap<string, readonly Soundbite[]>>;

export interface FeedPublisherDeps {
  readonly feeds: FeedsRepository;
  readonly publicUrl: string;
  readonly logger: Logger;
  readonly soundbites?: SoundbiteProvider;
  readonly revalidateMs?: number;
}

/** The enclosure of an episode: its MP3 rendition; other audio renditions are alternates. */
const ENCLOSURE_PROFILE_PREFIX = 'mp3-';
const isAudio = (mimeType: string) => mimeType.startsWith('audio/');

export const showFeedKey = (showId: string) => `${showId}`;
export const topicFeedKey = (showId: string, topicSlug: string) => `${showId}/${topicSlug}`;

export interface RenderedFeed {
  readonly key: string;
  readonly xml: string;
  readonly itemCount: number;
}

/** Pure: a snapshot → the XML of the show feed and each topic feed. */
export function renderSnapshot(
  snapshot: FeedSnapshot,
  publicUrl: string,
  soundbites: ReadonlyMap<string, readonly Soundbite[]> = new Map(),
): RenderedFeed[] {
  const { show } = snapshot;
  const toMediaUrl = (key: string) => mediaUrl(publicUrl, key);
  const entries: FeedEntry[] = [];
  for (const episode of snapshot.episodes) {
    const renditions = snapshot.renditions.get(episode.id) ?? [];
    const enclosure = renditions.find((r) => r.profile.startsWith(ENCLOSURE_PROFILE_PREFIX));
    if (!enclosure) continue;
    entries.push({
      episode,
      enclosure,
      alternates: renditions.filter((r) => r !== enclosure && isAudio(r.mimeType)),
      soundbites: soundbites.get(episode.id) ?? [],
    });
  }
  const feeds: RenderedFeed[] = [
    {
      key: showFeedKey(show.id),
      itemCount: entries.length,
      xml: buildPodcastFeed({
        show,
        entries,
        feedUrl: feedUrlFor(publicUrl, show.slug),
        mediaUrl: toMediaUrl,
      }),
    },
  ];
  for (const topic of snapshot.topics) {
    const tagged = entries.filter((e) => e.episode.article.categories.includes(topic.category));
    feeds.push({
      key: topicFeedKey(show.id, topic.slug),
      itemCount: tagged.length,
      xml: buildPodcastFeed({
        show,
        title: topic.title,
        description: topic.description ?? show.description,
        podcastGuid: topic.podcastGuid,
        entries: tagged,
        feedUrl: topicFeedUrlFor(publicUrl, show.slug, topic.slug),
        mediaUrl: toMediaUrl,
      }),
    });
  }
  return feeds;
}

export const etagOf = (body: Buffer) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

interface CacheEntry {
  render: StoredRender;
  checkedAt: number;
}

export class FeedPublisher {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly showIds = new Map<string, string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly revalidateMs: number;

  constructor(private readonly deps: FeedPublisherDeps) {
    this.revalidateMs = deps.revalidateMs ?? 1000;
  }

  /**
   * Re-renders a show's feeds. While a render runs, further calls are folded
   * into one more run after it (it reads the data after every change so far).
   */
  rebuildShow(showId: string): Promise<void> {
    const current = this.running.get(showId);
    if (current) {
      this.dirty.add(showId);
      return current.then(() => this.running.get(showId));
    }
    const run = (async () => {
      try {
        do {
          this.dirty.delete(showId);
          await this.renderAndStore(showId);
        } while (this.dirty.has(showId));
      } finally {
        this.running.delete(showId);
      }
    })();
    this.running.set(showId, run);
    return run;
  }

  /** Renders, compresses and stores; returns the time it took (the benchmark reads it). */
  async renderAndStore(showId: string): Promise<{ ms: number; feeds: number; items: number }> {
    const started = performance.now();
    const snapshot = await this.deps.feeds.snapshot(showId);
    if (!snapshot) return { ms: performance.now() - started, feeds: 0, items: 0 };
    const bites = this.deps.soundbites
      ? await this.deps.soundbites(snapshot.episodes.map((e) => e.id))
      : undefined;
    const rendered = renderSnapshot(snapshot, this.deps.publicUrl, bites);
    for (const feed of rendered) {
      const body = Buffer.from(feed.xml, 'utf8');
      const [gz, br] = await Promise.all([
        gzip(body, { level: 6 }),
        brotli(body, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
      ]);
      const stored = await this.deps.feeds.storeRender({
        feedKey: feed.key,
        showId,
        etag: etagOf(body),
        sourceTime: snapshot.sourceTime,
        itemCount: feed.itemCount,
        body,
        gzip: gz,
        br,
      });
      this.cache.set(feed.key, { render: stored, checkedAt: Date.now() });
    }
    const keys = rendered.map((f) => f.key);
    await this.deps.feeds.deleteRendersExcept(showId, keys);
    for (const key of this.cache.keys()) {
      if (key.startsWith(`${showId}/`) && !keys.includes(key)) this.cache.delete(key);
    }
    const items = rendered[0]?.itemCount ?? 0;
    const ms = performance.now() - started;
    this.deps.logger.debug(
      { showId, feeds: rendered.length, items, ms: Math.round(ms) },
      'feeds rendered',
    );
    return { ms, feeds: rendered.length, items };
  }

  /** The bytes to serve for a show feed (topic undefined) or a topic feed; null: no such feed. */
  async get(showSlug: string, topicSlug?: string): Promise<StoredRender | null> {
    let showId = this.showIds.get(showSlug);
    if (!showId) {
      showId = await this.deps.feeds.showIdBySlug(showSlug);
      if (!showId) return null;
      this.showIds.set(showSlug, showId);
    }
    const key = topicSlug ? topicFeedKey(showId, topicSlug) : showFeedKey(showId);
    const cached = this.cache.get(key);
    const now = Date.now();
    if (cached && now - cached.checkedAt < this.revalidateMs) return cached.render;

    const etag = await this.deps.feeds.findEtag(key);
    if (cached && etag === cached.render.etag) {
      cached.checkedAt = now;
      return cached.render;
    }
    if (etag === undefined) {
      // Never rendered (a new show or topic): render now; an unknown topic costs no render.
      if (
        topicSlug &&
        !(await this.deps.feeds.listTopics(showId)).some((t) => t.slug === topicSlug)
      ) {
        return null;
      }
      await this.rebuildShow(showId);
      return this.cache.get(key)?.render ?? null;
    }
    const render = await this.deps.feeds.findRender(key);
    if (!render) return null;
    this.cache.set(key, { render, checkedAt: now });
    return render;
  }
}
