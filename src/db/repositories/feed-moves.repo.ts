/**
 * Where a show's feed went (0015): its former slugs, which answer 301 to its
 * feed under the current slug, and its feed URL on another host, if any.
 */
import { sql } from 'kysely';
import type { Show } from '../../core/domain.js';
import type { Db } from '../connect.js';
import { updatedAtNow } from './row-locks.js';
import { toShow } from './shows.repo.js';

export class FeedMovesRepository {
  constructor(private readonly db: Db) {}

  /** The current slug of the show that once had `oldSlug`, or undefined. */
  async currentSlugOf(oldSlug: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('show_feed_moves as m')
      .innerJoin('shows as s', 's.id', 'm.show_id')
      .select('s.slug')
      .where('m.old_slug', '=', oldSlug)
      .executeTakeFirst();
    return row?.slug;
  }

  /** The show holding `slug` as a former slug, or undefined. */
  async holderOf(slug: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('show_feed_moves')
      .select('show_id')
      .where('old_slug', '=', slug)
      .executeTakeFirst();
    return row?.show_id;
  }

  /** The show's former slugs, oldest move first. */
  async previousSlugs(showId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('show_feed_moves')
      .select('old_slug')
      .where('show_id', '=', showId)
      .orderBy('moved_at')
      .orderBy('old_slug')
      .execute();
    return rows.map((r) => r.old_slug);
  }

  /**
   * Renames the show in one transaction: its slug becomes `to`, `from` is kept as
   * a former slug, and `to` stops being one (a show moving back to an old slug).
   * A slug another show holds fails on the unique index (a 409 for the caller).
   */
  async rename(showId: string, from: string, to: string): Promise<Show> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('show_feed_moves')
        .where('old_slug', '=', to)
        .where('show_id', '=', showId)
        .execute();
      const row = await trx
        .updateTable('shows')
        .set({ slug: to, ...updatedAtNow })
        .where('id', '=', showId)
        .where('slug', '=', from)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('show_feed_moves')
        .values({ old_slug: from, show_id: showId, moved_at: sql<Date>`now()` as unknown as Date })
        .execute();
      return toShow(row);
    });
  }

  /** Sets (or with null, clears) the show's feed URL on another host. */
  async setNewFeedUrl(showId: string, url: string | null): Promise<Show> {
    const row = await this.db
      .updateTable('shows')
      .set({ new_feed_url: url, ...updatedAtNow })
      .where('id', '=', showId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toShow(row);
  }
}
