/**
 * The audience figures' writes (issue 12): the aggregation job adds a batch of
 * counted events to the daily rows and moves its cursor in one transaction, so
 * a batch counts exactly once even if the job runs twice or dies half-way.
 * Also the two small lookups of the counting hot path (cached by the caller).
 */
import { sql } from 'kysely';
import type { Db } from '../connect.js';

/** One daily row's increment. */
export interface DownloadIncrement {
  readonly day: string;
  readonly episodeId: string;
  readonly showId: string;
  readonly app: string;
  readonly platform: string;
  readonly downloads: number;
}

export interface ListenIncrement {
  readonly day: string;
  readonly episodeId: string;
  readonly showId: string;
  readonly milestone: 'started' | 'heard-30s' | 'completed';
  readonly listens: number;
}

/** What counting needs to know of a rendition (null: the file is not an episode's audio). */
export interface ListeningTarget {
  readonly renditionId: string;
  readonly episodeId: string;
  readonly showId: string;
  readonly bytes: number;
  readonly durationSeconds: number;
}

export const EVENTS_STREAM = 'events';
const START = '0-0';

export class AudienceRepository {
  constructor(private readonly db: Db) {}

  async listeningTarget(storageKey: string): Promise<ListeningTarget | null> {
    const row = await this.db
      .selectFrom('renditions')
      .innerJoin('episodes', 'episodes.id', 'renditions.episode_id')
      .select([
        'renditions.id',
        'renditions.episode_id',
        'episodes.show_id',
        'renditions.bytes',
        'renditions.duration_seconds',
        'renditions.mime_type',
      ])
      .where('renditions.storage_key', '=', storageKey)
      .executeTakeFirst();
    if (!row?.mime_type.startsWith('audio/')) return null;
    return {
      renditionId: row.id,
      episodeId: row.episode_id,
      showId: row.show_id,
      bytes: Number(row.bytes),
      durationSeconds: row.duration_seconds,
    };
  }

  /** The show of an episode while it is published, else null (scheduled, unpublished, missing). */
  async publishedShowOf(episodeId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('episodes')
      .select(['state', 'show_id'])
      .where('id', '=', episodeId)
      .executeTakeFirst();
    return row?.state === 'published' ? row.show_id : null;
  }

  /** The last stream id added to the counts. */
  async cursor(): Promise<string> {
    const row = await this.db
      .selectFrom('audience_cursor')
      .select('last_id')
      .where('stream', '=', EVENTS_STREAM)
      .executeTakeFirst();
    return row?.last_id ?? START;
  }

  /**
   * Adds the increments and moves the cursor from `from` to `to`, unless another
   * run moved it first (then nothing is written: false). Events of episodes
   * deleted since are dropped.
   */
  async addBatch(batch: {
    readonly from: string;
    readonly to: string;
    readonly downloads: readonly DownloadIncrement[];
    readonly listens: readonly ListenIncrement[];
  }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audience_cursor')
        .values({ stream: EVENTS_STREAM, last_id: START })
        .onConflict((oc) => oc.column('stream').doNothing())
        .execute();
      const current = await trx
        .selectFrom('audience_cursor')
        .select('last_id')
        .where('stream', '=', EVENTS_STREAM)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (current.last_id !== batch.from) return false;

      const ids = [...new Set([...batch.downloads, ...batch.listens].map((r) => r.episodeId))];
      const existing = new Set(
        ids.length
          ? (await trx.selectFrom('episodes').select('id').where('id', 'in', ids).execute()).map(
              (r) => r.id,
            )
          : [],
      );
      const downloads = batch.downloads.filter((r) => existing.has(r.episodeId));
      const listens = batch.listens.filter((r) => existing.has(r.episodeId));
      if (downloads.length) {
        await trx
          .insertInto('audience_downloads')
          .values(
            downloads.map((r) => ({
              day: r.day,
              episode_id: r.episodeId,
              show_id: r.showId,
              app: r.app,
              platform: r.platform,
              downloads: r.downloads,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['day', 'episode_id', 'app', 'platform']).doUpdateSet({
              downloads: sql<number>`audience_downloads.downloads + excluded.downloads`,
            }),
          )
          .execute();
      }
      if (listens.length) {
        await trx
          .insertInto('audience_listens')
          .values(
            listens.map((r) => ({
              day: r.day,
              episode_id: r.episodeId,
              show_id: r.showId,
              milestone: r.milestone,
              listens: r.listens,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['day', 'episode_id', 'milestone']).doUpdateSet({
              listens: sql<number>`audience_listens.listens + excluded.listens`,
            }),
          )
          .execute();
      }
      await trx
        .updateTable('audience_cursor')
        .set({ last_id: batch.to })
        .where('stream', '=', EVENTS_STREAM)
        .execute();
      return true;
    });
  }
}
