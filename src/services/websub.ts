/**
 * WebSub (W3C, formerly PubSubHubbub): apps and directories subscribed at the
 * hub a feed names learn of a change at once instead of at their next poll.
 * Every render that stores other bytes announces the show; one job per show
 * and coalescing window then posts `hub.mode=publish&hub.url=<feed URL>` for the
 * show feed and each topic feed, through the SSRF-safe fetcher, retried with
 * backoff as any job.
 */
import type { Logger } from '../core/logger.js';
import { publicUrls } from '../core/urls.js';
import type { FeedsRepository } from '../db/repositories/feeds.repo.js';
import type { ShowsRepository } from '../db/repositories/shows.repo.js';
import type { FetchPolicy } from '../net/fetch-policy.js';
import { failed } from '../net/fetch-error.js';
import { safeFetch, type FetchLimits } from '../net/safe-fetch.js';
import { QueueUnavailableError, type JobProducer } from '../queue/producer.js';

/** A hub answers a ping at once (it fetches the feed later): small and quick. */
export const WEBSUB_LIMITS: FetchLimits = {
  timeoutMs: 10_000,
  maxBytes: 64 * 1024,
  maxRedirects: 0,
};

/** Changes of one show within this window make one ping, sent when the window closes. */
const COALESCE_MS = 2_000;

export interface WebSubDeps {
  readonly hubUrl: string;
  /** Who may be reached: public addresses only, unless WEBSUB_ALLOW_PRIVATE. */
  readonly policy: FetchPolicy;
  readonly limits?: FetchLimits;
  readonly publicUrl: string;
  readonly shows: Pick<ShowsRepository, 'findById'>;
  readonly feeds: Pick<FeedsRepository, 'listTopics'>;
  readonly producer: Pick<JobProducer, 'enqueue'>;
  readonly logger: Logger;
  readonly coalesceMs?: number;
  readonly now?: () => number;
}

export class WebSubPublisher {
  constructor(private readonly deps: WebSubDeps) {}

  /**
   * Queues the ping for the window `now` falls in, to run when it closes: every
   * change in the window is stored before it runs, and the job id (show and
   * window) makes the other announcements of the window, from any process, no-ops.
   */
  async announce(showId: string): Promise<void> {
    const window = this.deps.coalesceMs ?? COALESCE_MS;
    const now = (this.deps.now ?? Date.now)();
    const slot = Math.floor(now / window);
    try {
      await this.deps.producer.enqueue('websub-ping', { showId }, slot, {
        delayMs: (slot + 1) * window - now,
      });
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      // The feed is stored and served: apps still see the change at their next poll.
      this.deps.logger.warn({ err: error, showId }, 'WebSub ping not queued: Redis unavailable');
    }
  }

  /**
   * The job: one publish ping per feed of the show, under its slug as it is now.
   * Rejects with a SafeFetchError: `refused` (the hub's address is not allowed;
   * retrying cannot help) or `failed` (no answer, or not a 2xx).
   */
  async ping(showId: string): Promise<{ feeds: string[] }> {
    const show = await this.deps.shows.findById(showId);
    if (!show) return { feeds: [] };
    const urls = publicUrls(this.deps.publicUrl);
    const topics = await this.deps.feeds.listTopics(showId);
    const feeds = [urls.feed(show.slug), ...topics.map((t) => urls.feed(show.slug, t.slug))];
    for (const feed of feeds) {
      const form = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feed });
      const answer = await safeFetch(this.deps.hubUrl, {
        policy: this.deps.policy,
        limits: this.deps.limits ?? WEBSUB_LIMITS,
        method: 'POST',
        body: { type: 'application/x-www-form-urlencoded', bytes: Buffer.from(form.toString()) },
        userAgent: 'Antenne/1.0 (WebSub publisher)',
      });
      if (!answer.ok) throw failed(`the hub answered ${answer.status} to the ping for ${feed}`);
    }
    this.deps.logger.info({ showId, feeds }, 'WebSub hub pinged');
    return { feeds };
  }
}
