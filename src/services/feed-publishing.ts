/**
 * Feed publishing: a change (publish, edit, schedule firing, new clip…)
 * re-renders the show's feeds (coalesced across processes: feed-rebuilds.ts),
 * compresses and stores them (feed-bytes.ts); requests are answered from
 * memory (feed-cache.ts), revalidated against the stored row at most once per
 * `revalidateMs`, since another process may have rendered since.
 */
import type { MediaBase } from '../core/urls.js';
import type { Logger } from '../core/logger.js';
import { recordFeedBuild } from '../metrics/registry.js';
import { storageKeys } from '../core/storage-keys.js';
import type { FeedBuildsRepository } from '../db/repositories/feed-builds.repo.js';
import type { FeedsRepository } from '../db/repositories/feeds.repo.js';
import type { FeedFragmentsRepository } from '../db/repositories/feed-fragments.repo.js';
import type { FeedMovesRepository } from '../db/repositories/feed-moves.repo.js';
import { fragmentKeys, ITEM_RENDERER_VERSION } from '../feeds/item-fragments.js';
import {
  renderFeeds,
  showFeedKey,
  topicFeedKey,
  type Fragment,
  type ItemCounts,
  type SoundbiteProvider,
} from '../feeds/render.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { compressFeed, etagOf, FeedBytesStore, type ServedFeed } from './feed-bytes.js';
import { FeedCache } from './feed-cache.js';
import { FeedRebuilds } from './feed-rebuilds.js';

export type { ServedFeed } from './feed-bytes.js';

export interface FeedPublishingDeps {
  readonly feeds: FeedsRepository;
  readonly builds: FeedBuildsRepository;
  /** Items rendered once per revision, shared by every process (feed_item_fragments). */
  readonly fragments: FeedFragmentsRepository;
  /** Where the rendered bytes live (shared by every process, like the media). */
  readonly storage: BlobStorage;
  readonly publicUrl: string;
  /** Where enclosures point (PUBLIC_URL/media, or MEDIA_PUBLIC_URL). */
  readonly mediaBase: MediaBase;
  /** Where enclosures point: mediaBase, or the audience counting redirect. */
  readonly audioBase?: MediaBase;
  readonly logger: Logger;
  readonly soundbites?: SoundbiteProvider;
  readonly revalidateMs?: number;
  /** ITEM_RENDERER_VERSION unless a test pretends the renderer changed. */
  readonly itemRendererVersion?: string;
  /** The WebSub hub announced in every feed (WEBSUB_HUB_URL). */
  readonly hubUrl?: string | undefined;
  /** The show's former slugs: while it has some, its feeds announce their new URL. */
  readonly moves?: Pick<FeedMovesRepository, 'previousSlugs'>;
  /** Called once a render stored other bytes for some feed of the show (the WebSub ping). */
  readonly onFeedsChanged?: (showId: string) => Promise<void>;
}

export interface RenderStats {
  readonly ms: number;
  readonly feeds: number;
  readonly items: number;
  /** Items rendered now, reused from memory, reused from feed_item_fragments. */
  readonly itemCounts: ItemCounts;
  /**
   * Milliseconds per phase: database read, XML render + hash, gzip + br, file and
   * row writes (the feeds are out: `ms` ends here), then keeping the items rendered
   * now in feed_item_fragments for the next rebuild in any process.
   */
  readonly phases: { read: number; render: number; compress: number; store: number; keep: number };
}

export class FeedPublishingService {
  private readonly cache: FeedCache;
  private readonly bytes: FeedBytesStore;
  private readonly rebuilds: FeedRebuilds;
  /** Per show, the items of its last render in this process, by episode id. */
  private readonly held = new Map<string, Map<string, Fragment>>();
  /** Feeds whose stored row is being read again, by feed key (one read at a time). */
  private readonly revalidating = new Map<string, Promise<ServedFeed | null>>();

  constructor(private readonly deps: FeedPublishingDeps) {
    this.cache = new FeedCache(deps.revalidateMs ?? 1000);
    this.bytes = new FeedBytesStore(deps.storage);
    this.rebuilds = new FeedRebuilds(deps.builds, {
      render: (showId) => this.renderAndStore(showId),
      renderedElsewhere: (showId) => this.cache.forgetShow(showId),
    });
  }

  /** Re-renders a show's feeds; resolves once the stored feeds reflect every change made before. */
  rebuildShow(showId: string): Promise<void> {
    return this.rebuilds.rebuild(showId);
  }

  /** Forgets which show a slug was (it moved): the next request for it asks the database. */
  forgetSlug(showSlug: string): void {
    this.cache.forgetSlug(showSlug);
  }

  /** Drops the items this process holds for a show (the next render reads them from the table). */
  forgetItems(showId: string): void {
    this.held.delete(showId);
  }

  /**
   * Renders, compresses and stores now; returns the time it took, by phase (the
   * benchmark reads it). `fromScratch`: every item rendered and none kept, as
   * before items were reused (the benchmark's baseline).
   */
  async renderAndStore(
    showId: string,
    options: { fromScratch?: boolean } = {},
  ): Promise<RenderStats> {
    const started = performance.now();
    const phases = { read: 0, render: 0, compress: 0, store: 0, keep: 0 };
    let mark = started;
    const lap = (phase: keyof typeof phases) => {
      const now = performance.now();
      phases[phase] += now - mark;
      mark = now;
    };
    const scratch = options.fromScratch === true;
    const held = (!scratch && this.held.get(showId)) || new Map<string, Fragment>();
    const version = this.deps.itemRendererVersion ?? ITEM_RENDERER_VERSION;
    const snapshot = await this.deps.feeds.snapshot(
      showId,
      scratch
        ? undefined
        : {
            keyOf: (show) => fragmentKeys(show, this.deps.mediaBase, version, this.deps.audioBase),
            held: (episodeId, key) => held.get(episodeId)?.key === key,
          },
    );
    if (!snapshot) {
      this.held.delete(showId);
      const itemCounts = { rendered: 0, held: 0, stored: 0 };
      return { ms: performance.now() - started, feeds: 0, items: 0, itemCounts, phases };
    }
    const { show } = snapshot;
    // This process serves the show under its current slug only (a rename drops the old one).
    this.cache.rememberShow(show.slug, showId);
    const previousSlugs = (await this.deps.moves?.previousSlugs(showId)) ?? [];
    const bites = this.deps.soundbites
      ? await this.deps.soundbites(snapshot.index.map((r) => r.id))
      : undefined;
    lap('read');
    const {
      feeds: rendered,
      fragments,
      rendered: newItems,
      counts: itemCounts,
    } = await renderFeeds(
      snapshot,
      held,
      this.deps.publicUrl,
      bites,
      this.deps.mediaBase,
      this.deps.audioBase,
      {
        hubUrl: this.deps.hubUrl,
        moved: { renamed: previousSlugs.length > 0, elsewhere: show.newFeedUrl ?? null },
      },
    );
    if (!scratch) this.held.set(showId, fragments);
    const bodies = rendered.map((feed) => ({ feed, body: feed.body, etag: etagOf(feed.body) }));
    lap('render');
    // Unchanged bytes are not compressed again (a rebuild that changed nothing costs read + render).
    const compressed = await Promise.all(
      bodies.map(async ({ feed, body, etag }) => {
        const cached = this.cache.entry(feed.key);
        return cached?.etag === etag ? cached : await compressFeed(body);
      }),
    );
    lap('compress');
    let changed = false;
    for (const [i, { feed, body, etag }] of bodies.entries()) {
      const { gzip, br } = compressed[i]!;
      const storageKey = storageKeys.feedRender(showId, feed.key, etag);
      const previousKey =
        this.cache.entry(feed.key)?.storageKey ??
        (await this.deps.feeds.findRender(feed.key))?.storageKey;
      if (previousKey !== storageKey) await this.bytes.write(storageKey, { body, gzip, br });
      const stored = await this.deps.feeds.storeRender({
        feedKey: feed.key,
        showId,
        etag,
        sourceTime: snapshot.sourceTime,
        itemCount: feed.itemCount,
        storageKey,
      });
      if (stored.storageKey === storageKey) {
        if (previousKey !== storageKey) changed = true;
        this.cache.set(feed.key, { ...stored, body, gzip, br });
        if (previousKey && previousKey !== storageKey) await this.bytes.delete(previousKey);
      } else {
        // A render from newer data (another process) won: ours is garbage.
        this.cache.delete(feed.key);
        await this.bytes.delete(storageKey);
      }
    }
    const keys = rendered.map((f) => f.key);
    for (const gone of await this.deps.feeds.deleteRendersExcept(showId, keys))
      await this.bytes.delete(gone);
    this.cache.forgetShow(showId, keys);
    lap('store');
    const ms = performance.now() - started;
    // Told after the bytes are stored: whoever fetches the feed on the news gets them.
    if (changed) await this.deps.onFeedsChanged?.(showId);
    // The feeds are out. Then the items rendered now, for the next rebuild in any
    // process: a cold render of a big show writes megabytes here, which readers
    // need not wait for (a crash before it costs one more render of those items).
    if (!scratch) await this.deps.fragments.save(newItems);
    lap('keep');
    const items = rendered[0]?.itemCount ?? 0;
    recordFeedBuild(ms / 1000);
    this.deps.logger.debug(
      { showId, feeds: rendered.length, items, itemCounts, ms: Math.round(ms), phases },
      'feeds rendered',
    );
    return { ms, feeds: rendered.length, items, itemCounts, phases };
  }

  /** The render in memory if it was revalidated less than `revalidateMs` ago (the hot path, no await). */
  peek(showSlug: string, topicSlug?: string): ServedFeed | undefined {
    const showId = this.cache.showIdOf(showSlug);
    if (showId === undefined) return undefined;
    const key = feedKeyOf(showId, topicSlug);
    // While one request revalidates, the others get what is held (it was fresh a moment
    // ago): a busy feed costs one row read per period, not one per request in flight.
    return (
      this.cache.fresh(key) ?? (this.revalidating.has(key) ? this.cache.entry(key) : undefined)
    );
  }

  /** The bytes to serve for a show feed (topic undefined) or a topic feed; null: no such feed. */
  async get(showSlug: string, topicSlug?: string): Promise<ServedFeed | null> {
    let showId = this.cache.showIdOf(showSlug);
    if (!showId) {
      showId = await this.deps.feeds.showIdBySlug(showSlug);
      if (!showId) return null;
      this.cache.rememberShow(showSlug, showId);
    }
    const key = feedKeyOf(showId, topicSlug);
    const held = this.cache.entry(key)?.storageKey;
    const loaded = await this.load(key);
    if (loaded && loaded.storageKey !== held && !(await this.stillNamed(showSlug, showId))) {
      // Another process renamed the show: the slug is someone else's now, or nobody's.
      return this.get(showSlug, topicSlug);
    }
    if (loaded) return loaded;
    // Never rendered (a new show or topic): render now; an unknown topic costs no render.
    if (topicSlug && !(await this.deps.feeds.listTopics(showId)).some((t) => t.slug === topicSlug))
      return null;
    await this.rebuildShow(showId);
    // Read after the render (a revalidation in flight may have read the row before it).
    return this.cache.fresh(key) ?? (await this.revalidate(key));
  }

  /**
   * Whether `showSlug` still names the show, asked when other bytes than those
   * held come in: a rename in another process renders the feed again (its URLs
   * change), so a slug that moved is noticed with the first render after.
   */
  private async stillNamed(showSlug: string, showId: string): Promise<boolean> {
    if ((await this.deps.feeds.showIdBySlug(showSlug)) === showId) return true;
    this.cache.forgetSlug(showSlug);
    return false;
  }

  /** From memory while fresh, else as stored (memory kept while the row still names it). */
  private load(key: string): Promise<ServedFeed | null> {
    const fresh = this.cache.fresh(key);
    if (fresh) return Promise.resolve(fresh);
    let revalidation = this.revalidating.get(key);
    if (!revalidation) {
      revalidation = this.revalidate(key).finally(() => this.revalidating.delete(key));
      this.revalidating.set(key, revalidation);
    }
    return revalidation;
  }

  private async revalidate(key: string): Promise<ServedFeed | null> {
    const row = await this.deps.feeds.findRender(key);
    if (!row) return null;
    const cached = this.cache.entry(key);
    if (cached?.storageKey === row.storageKey) {
      this.cache.confirm(key);
      return cached;
    }
    const read = await this.bytes.read(row);
    if (read) this.cache.set(key, read);
    return read;
  }
}

const feedKeyOf = (showId: string, topicSlug: string | undefined) =>
  topicSlug ? topicFeedKey(showId, topicSlug) : showFeedKey(showId);
