import { sql } from 'kysely';
import type { Db } from '../connect.js';

/**
 * Rebuild revisions and the render lease per show, shared by every process
 * (see services/feed-rebuilds.ts). Times are the database's, so the processes'
 * clocks never have to agree.
 */
export class FeedBuildsRepository {
  constructor(private readonly db: Db) {}

  /** Records a request to rebuild; returns its revision (one more than the last). */
  async request(showId: string): Promise<number> {
    const row = await this.db
      .insertInto('feed_builds')
      .values({ show_id: showId, requested: 1 })
      .onConflict((oc) =>
        oc.column('show_id').doUpdateSet({
          requested: sql<number>`feed_builds.requested + 1`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning('requested')
      .executeTakeFirstOrThrow();
    return Number(row.requested);
  }

  async revisions(showId: string): Promise<{ requested: number; built: number } | undefined> {
    const row = await this.db
      .selectFrom('feed_builds')
      .select(['requested', 'built'])
      .where('show_id', '=', showId)
      .executeTakeFirst();
    return row && { requested: Number(row.requested), built: Number(row.built) };
  }

  /** Takes (or extends) the show's lease when it is free, expired or already ours. */
  async tryLease(showId: string, owner: string, ttlMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('feed_builds')
      .set({
        lease_owner: owner,
        lease_until: sql<Date>`now() + ${`${ttlMs} milliseconds`}::interval`,
      })
      .where('show_id', '=', showId)
      .where((eb) =>
        eb.or([
          eb('lease_until', 'is', null),
          eb('lease_until', '<', sql<Date>`now()`),
          eb('lease_owner', '=', owner),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A render that read the data after revision `revision` was requested is stored. */
  async markBuilt(showId: string, revision: number): Promise<void> {
    await this.db
      .updateTable('feed_builds')
      .set({ built: sql<number>`greatest(built, ${revision})` })
      .where('show_id', '=', showId)
      .execute();
  }

  async releaseLease(showId: string, owner: string): Promise<void> {
    await this.db
      .updateTable('feed_builds')
      .set({ lease_owner: null, lease_until: null })
      .where('show_id', '=', showId)
      .where('lease_owner', '=', owner)
      .execute();
  }
}
