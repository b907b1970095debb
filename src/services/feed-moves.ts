/**
 * Moving a show's feed without losing its listeners. Within Antenne (a new
 * slug): the former feed URLs answer 301 to the new ones for good, the former
 * slug stays the show's (no other show may take it while it redirects), and the
 * feeds carry `itunes:new-feed-url` with their new URL so that apps following
 * the redirect update their subscription. To another host (a feed URL there):
 * the feed here keeps being served and carries `itunes:new-feed-url` with that
 * URL, which apps read to move. The show's `podcast:guid` never changes.
 */
import type { Show } from '../core/domain.js';
import { AppError, notFound, validationFailed } from '../core/errors.js';
import type { FeedLocationInput } from '../core/feed-location.js';
import type { Logger } from '../core/logger.js';
import { publicUrls } from '../core/urls.js';
import type { FeedMovesRepository } from '../db/repositories/feed-moves.repo.js';
import type { ShowsRepository } from '../db/repositories/shows.repo.js';
import type { FeedPublishingService } from './feed-publishing.js';

export interface FeedLocation {
  readonly slug: string;
  readonly feedUrl: string;
  readonly newFeedUrl: string | null;
  readonly previousSlugs: readonly string[];
  /** Each former feed URL and where it redirects now. */
  readonly redirects: readonly { readonly from: string; readonly to: string }[];
}

export interface FeedMovesDeps {
  readonly shows: Pick<ShowsRepository, 'findBySlug'>;
  readonly moves: FeedMovesRepository;
  readonly feedPublishing: Pick<FeedPublishingService, 'rebuildShow' | 'forgetSlug'>;
  readonly publicUrl: string;
  readonly logger: Logger;
}

const slugTaken = (message: string) =>
  new AppError(409, 'conflict', 'This slug is not free', undefined, [{ field: 'slug', message }]);

export class FeedMovesService {
  constructor(private readonly deps: FeedMovesDeps) {}

  async location(slug: string): Promise<FeedLocation> {
    return this.describe(await this.show(slug));
  }

  async move(slug: string, input: FeedLocationInput): Promise<FeedLocation> {
    let show = await this.show(slug);
    if (input.newFeedUrl && this.isOurs(input.newFeedUrl)) {
      throw validationFailed([
        {
          field: 'newFeedUrl',
          message: 'is on this Antenne: change the slug instead, the old address then redirects',
        },
      ]);
    }
    if (input.slug !== undefined && input.slug !== show.slug) {
      await this.checkFree(input.slug, show.id);
      show = await this.deps.moves.rename(show.id, show.slug, input.slug);
      // This process stops serving the old slug now; the others on their next render.
      this.deps.feedPublishing.forgetSlug(slug);
      this.deps.logger.info({ showId: show.id, from: slug, to: show.slug }, 'show feed moved');
    }
    if (input.newFeedUrl !== undefined && input.newFeedUrl !== (show.newFeedUrl ?? null)) {
      show = await this.deps.moves.setNewFeedUrl(show.id, input.newFeedUrl);
      this.deps.logger.info(
        { showId: show.id, newFeedUrl: input.newFeedUrl },
        'show feed announced on another host',
      );
    }
    await this.deps.feedPublishing.rebuildShow(show.id);
    return this.describe(show);
  }

  /** The current slug of a show that once had `oldSlug` (its feed URL answers 301 there). */
  currentSlugOf(oldSlug: string): Promise<string | undefined> {
    return this.deps.moves.currentSlugOf(oldSlug);
  }

  private async checkFree(slug: string, showId: string): Promise<void> {
    if (await this.deps.shows.findBySlug(slug)) {
      throw slugTaken('is already used by another show');
    }
    const holder = await this.deps.moves.holderOf(slug);
    if (holder && holder !== showId) {
      throw slugTaken('was another show’s address; its old feed URL redirects to that show');
    }
  }

  private isOurs(url: string): boolean {
    return new URL(url).origin === new URL(this.deps.publicUrl).origin;
  }

  private async show(slug: string): Promise<Show> {
    const show = await this.deps.shows.findBySlug(slug);
    if (!show) throw notFound('Show', `No show has the slug "${slug}".`);
    return show;
  }

  private async describe(show: Show): Promise<FeedLocation> {
    const urls = publicUrls(this.deps.publicUrl);
    const previousSlugs = await this.deps.moves.previousSlugs(show.id);
    return {
      slug: show.slug,
      feedUrl: urls.feed(show.slug),
      newFeedUrl: show.newFeedUrl ?? null,
      previousSlugs,
      redirects: previousSlugs.map((old) => ({ from: urls.feed(old), to: urls.feed(show.slug) })),
    };
  }
}
