/**
 * Pre-rendered feeds. A change (publish, edit, schedule firing…) re-renders the
 * show's feeds once (concurrent requests for the same show are coalesced into
 * one more run), compresses them (gzip, br) and stores the bytes in the
 * database; requests are served from memory, revalidated against the stored
 * ETag at most once per `revalidateMs` (another process may have re-rendered).
 */
import { createHash } from 'node:crypto';
import { buffer as readAll } from 'node:stream/consumers';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Logger } from '../src/core/logger.js';
import type {
  FeedSnapshot,
  FeedsRepository,
  StoredRender,
} from '../src/db/repositories/feeds.repo.js';
import { directMediaUrl, publishedMediaUrls } from '../src/http/media-urls.js';
import { StorageNotFound, type BlobStorage } from '../src/storage/blob-storage.js';
import { topicFeedUrlFor } from '../src/services/publishing.js';
import { feedUrlFor } from '../src/services/shows.js';
import type { Show } from '../src/core/domain.js';
import { recordFeedBuild } from '../src/metrics/registry.js';
import {
  CHANNEL_END,
  channelHead,
  ITEM_END,
  itemBody,
  soundbitesXml,
  type Soundbite,
} from './podcast-feed.js';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Soundbites per episode id (clips, from the reader issue); optional. */
export type SoundbiteProvider = (
  episodeIds: readonly string[],
) => Promise<ReadonlyMap<string, readonly Soundbite[]>>;

export interface FeedPublisherDeps {
  readonly feeds: FeedsRepository;
  /** Where the rendered bytes live (shared by every process, like the media). */
  readonly storage: BlobStorage;
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

/** An item rendered once and reused while its signature (episode, renditions, show) holds. */
interface Fragment {
  readonly signature: string;
  /** null: no enclosure yet, so not in the feed. */
  readonly body: string | null;
  readonly categories: readonly string[];
}

interface ShowFragments {
  showVersion: string;
  items: Map<string, Fragment>;
}

const showVersion = (show: Show) => String(show.updatedAt.getTime());

/**
 * Pure: a snapshot (+ fragments already rendered) → the XML of the show feed
 * and each topic feed. Renders only the episodes the snapshot carries in full.
 */
export function renderFeeds(
  snapshot: FeedSnapshot,
  previous: ReadonlyMap<string, Fragment>,
  publicUrl: string,
  soundbites: ReadonlyMap<string, readonly Soundbite[]> = new Map(),
): { feeds: RenderedFeed[]; fragments: Map<string, Fragment> } {
  const { show } = snapshot;
  // The channel shows the show's artwork only; items their episode's published files.
  const toMediaUrl = (key: string) => directMediaUrl(publicUrl, key);
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
    const enclosure = renditions.find((r) => r.profile.startsWith(ENCLOSURE_PROFILE_PREFIX));
    fragments.set(row.id, {
      signature: row.signature,
      categories: episode.article.categories,
      body: enclosure
        ? itemBody(
            { show, mediaUrl: publishedMediaUrls(publicUrl, episode) },
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
      items.push(f.body, soundbitesXml(soundbites.get(row.id)), ITEM_END);
    }
    const head = channelHead({
      show,
      ...channel,
      mediaUrl: toMediaUrl,
      lastChange,
      newest: newest ?? lastChange,
    });
    return { key, itemCount: items.length / 3, xml: head + items.join('') + CHANNEL_END };
  };

  const feeds = [
    assemble(showFeedKey(show.id), { feedUrl: feedUrlFor(publicUrl, show.slug) }, () => true),
  ];
  for (const topic of snapshot.topics) {
    feeds.push(
      assemble(
        topicFeedKey(show.id, topic.slug),
        {
          title: topic.title,
          description: topic.description ?? show.description,
          podcastGuid: topic.podcastGuid,
          feedUrl: topicFeedUrlFor(publicUrl, show.slug, topic.slug),
        },
        (f) => f.categories.includes(topic.category),
      ),
    );
  }
  return { feeds, fragments };
}

export const etagOf = (body: Buffer) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

export interface RenderStats {
  readonly ms: number;
  readonly feeds: number;
  readonly items: number;
  /** Milliseconds per phase: database read, XML render + hash, gzip + br, file and row writes. */
  readonly phases: { read: number; render: number; compress: number; store: number };
}

/** A render as served: its row and its bytes. */
export interface ServedFeed extends StoredRender {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
}

interface CacheEntry {
  render: ServedFeed;
  checkedAt: number;
}

const SUFFIXES = { body: '.xml', gzip: '.xml.gz', br: '.xml.br' } as const;

export class FeedPublisher {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly fragments = new Map<string, ShowFragments>();
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

  /** Renders, compresses and stores; returns the time it took, by phase (the benchmark reads it). */
  async renderAndStore(showId: string): Promise<RenderStats> {
    const started = performance.now();
    const phases = { read: 0, render: 0, compress: 0, store: 0 };
    let mark = started;
    const lap = (phase: keyof typeof phases) => {
      const now = performance.now();
      phases[phase] += now - mark;
      mark = now;
    };
    const known = this.fragments.get(showId);
    const snapshot = await this.deps.feeds.snapshot(
      showId,
      (row, show) =>
        known?.showVersion !== showVersion(show) ||
        known.items.get(row.id)?.signature !== row.signature,
    );
    if (!snapshot) {
      this.fragments.delete(showId);
      return { ms: performance.now() - started, feeds: 0, items: 0, phases };
    }
    const bites = this.deps.soundbites
      ? await this.deps.soundbites(snapshot.index.map((r) => r.id))
      : undefined;
    lap('read');
    const previous =
      known?.showVersion === showVersion(snapshot.show) ? known.items : new Map<string, Fragment>();
    const { feeds: rendered, fragments } = renderFeeds(
      snapshot,
      previous,
      this.deps.publicUrl,
      bites,
    );
    this.fragments.set(showId, { showVersion: showVersion(snapshot.show), items: fragments });
    const bodies = rendered.map((feed) => {
      const body = Buffer.from(feed.xml, 'utf8');
      return { feed, body, etag: etagOf(body) };
    });
    lap('render');
    // Unchanged bytes are not compressed again (a rebuild that changed nothing costs read + render).
    const compressed = await Promise.all(
      bodies.map(async ({ feed, body, etag }) => {
        const cached = this.cache.get(feed.key)?.render;
        if (cached?.etag === etag) return { gz: cached.gzip, br: cached.br };
        // Feed XML is very repetitive: on big feeds, fast levels lose little (gzip 1 is within
        // ~3 % of gzip 6 on a 20 MB feed at a quarter of the time; br 4 beats br 5 there).
        const big = body.length > 1_000_000;
        const [gz, br] = await Promise.all([
          gzip(body, { level: big ? 1 : 9 }),
          brotli(body, {
            params: {
              [zlib.constants.BROTLI_PARAM_QUALITY]: big ? 4 : 9,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        ]);
        return { gz, br };
      }),
    );
    lap('compress');
    for (const [i, { feed, body, etag }] of bodies.entries()) {
      const { gz, br } = compressed[i]!;
      const storageKey = `feeds/${showId}/${feed.key.replace('/', '--')}-${etag.slice(1, 17)}`;
      const previous =
        this.cache.get(feed.key)?.render.storageKey ??
        (await this.deps.feeds.findRender(feed.key))?.storageKey;
      if (previous !== storageKey) await this.writeBytes(storageKey, { body, gzip: gz, br });
      const stored = await this.deps.feeds.storeRender({
        feedKey: feed.key,
        showId,
        etag,
        sourceTime: snapshot.sourceTime,
        itemCount: feed.itemCount,
        storageKey,
      });
      if (stored.storageKey === storageKey) {
        this.cache.set(feed.key, {
          render: { ...stored, body, gzip: gz, br },
          checkedAt: Date.now(),
        });
        if (previous && previous !== storageKey) await this.deleteBytes(previous);
      } else {
        // A render from newer data (another process) won: ours is garbage.
        this.cache.delete(feed.key);
        await this.deleteBytes(storageKey);
      }
    }
    const keys = rendered.map((f) => f.key);
    for (const gone of await this.deps.feeds.deleteRendersExcept(showId, keys))
      await this.deleteBytes(gone);
    for (const key of this.cache.keys()) {
      if (key.startsWith(`${showId}/`) && !keys.includes(key)) this.cache.delete(key);
    }
    lap('store');
    const items = rendered[0]?.itemCount ?? 0;
    const ms = performance.now() - started;
    recordFeedBuild(ms / 1000);
    this.deps.logger.debug(
      { showId, feeds: rendered.length, items, ms: Math.round(ms), phases },
      'feeds rendered',
    );
    return { ms, feeds: rendered.length, items, phases };
  }

  private async writeBytes(storageKey: string, bytes: Record<keyof typeof SUFFIXES, Buffer>) {
    for (const [part, suffix] of Object.entries(SUFFIXES) as [keyof typeof SUFFIXES, string][])
      await this.deps.storage.putBytes(`${storageKey}${suffix}`, bytes[part]);
  }

  private async deleteBytes(storageKey: string) {
    for (const suffix of Object.values(SUFFIXES))
      await this.deps.storage.delete(`${storageKey}${suffix}`);
  }

  private async readBytes(render: StoredRender): Promise<ServedFeed | null> {
    try {
      const [body, gzip, br] = await Promise.all(
        Object.values(SUFFIXES).map(async (suffix) =>
          readAll(await this.deps.storage.openRead(`${render.storageKey}${suffix}`)),
        ),
      );
      return { ...render, body: body!, gzip: gzip!, br: br! };
    } catch (error) {
      // Replaced by another process between our read of the row and of the files.
      if (error instanceof StorageNotFound) return null;
      throw error;
    }
  }

  /** The render in memory if it was revalidated less than `revalidateMs` ago (the hot path, no await). */
  peek(showSlug: string, topicSlug?: string): ServedFeed | undefined {
    const showId = this.showIds.get(showSlug);
    if (!showId) return undefined;
    const cached = this.cache.get(
      topicSlug ? topicFeedKey(showId, topicSlug) : showFeedKey(showId),
    );
    return cached && Date.now() - cached.checkedAt < this.revalidateMs ? cached.render : undefined;
  }

  /** The bytes to serve for a show feed (topic undefined) or a topic feed; null: no such feed. */
  async get(showSlug: string, topicSlug?: string): Promise<ServedFeed | null> {
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

    const row = await this.deps.feeds.findRender(key);
    if (cached && row?.storageKey === cached.render.storageKey) {
      cached.checkedAt = now;
      return cached.render;
    }
    const loaded = row && (await this.readBytes(row));
    if (loaded) {
      this.cache.set(key, { render: loaded, checkedAt: now });
      return loaded;
    }
    {
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
  }
}
