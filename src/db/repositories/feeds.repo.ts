import { sql, type Selectable } from 'kysely';
import type { Episode, Rendition, Show, TopicFeed } from '../../core/domain.js';
import { FEED_STATES } from '../../core/episode-state.js';
import type { Db } from '../connect.js';
import type { TopicFeedsTable } from '../schema.js';
import { toEpisode } from './episodes.repo.js';
import { toRendition } from './renditions.repo.js';
import { toShow } from './shows.repo.js';

/** Everything one show's feeds are made of, read in one consistent snapshot. */
export interface FeedSnapshot {
  readonly show: Show;
  /** Episodes in FEED_STATES, newest article first. */
  readonly episodes: readonly Episode[];
  readonly renditions: ReadonlyMap<string, readonly Rendition[]>;
  readonly topics: readonly TopicFeed[];
  /** Database time of the snapshot: orders renders made by different processes. */
  readonly sourceTime: Date;
}

export interface StoredRender {
  readonly feedKey: string;
  readonly showId: string;
  readonly etag: string;
  readonly lastModified: Date;
  readonly sourceTime: Date;
  readonly itemCount: number;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
}

const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class FeedsRepository {
  constructor(private readonly db: Db) {}

  async snapshot(showId: string): Promise<FeedSnapshot | null> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
        const showRow = await trx
          .selectFrom('shows')
          .selectAll()
          .where('id', '=', showId)
          .executeTakeFirst();
        if (!showRow) return null;
        const episodeRows = await trx
          .selectFrom('episodes')
          .selectAll()
          .where('show_id', '=', showId)
          .where('state', 'in', FEED_STATES)
          .orderBy('published_at', 'desc')
          .orderBy('id')
          .execute();
        const renditionRows = await trx
          .selectFrom('renditions')
          .innerJoin('episodes', 'episodes.id', 'renditions.episode_id')
          .selectAll('renditions')
          .where('episodes.show_id', '=', showId)
          .where('episodes.state', 'in', FEED_STATES)
          .orderBy('renditions.profile')
          .execute();
        const renditions = new Map<string, Rendition[]>();
        for (const row of renditionRows) {
          const list = renditions.get(row.episode_id) ?? [];
          list.push(toRendition(row));
          renditions.set(row.episode_id, list);
        }
        const topicRows = await trx
          .selectFrom('topic_feeds')
          .selectAll()
          .where('show_id', '=', showId)
          .orderBy('slug')
          .execute();
        return {
          show: toShow(showRow),
          episodes: episodeRows.map(toEpisode),
          renditions,
          topics: topicRows.map(toTopic),
          sourceTime: new Date(rows[0]!.now),
        };
      });
  }

  async showIdBySlug(slug: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('shows')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirst();
    return row?.id;
  }

  async insertTopic(topic: Omit<TopicFeed, 'createdAt'>): Promise<TopicFeed> {
    const row = await this.db
      .insertInto('topic_feeds')
      .values({
        id: topic.id,
        show_id: topic.showId,
        slug: topic.slug,
        title: topic.title,
        category: topic.category,
        description: topic.description,
        podcast_guid: topic.podcastGuid,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTopic(row);
  }

  async listTopics(showId: string): Promise<TopicFeed[]> {
    const rows = await this.db
      .selectFrom('topic_feeds')
      .selectAll()
      .where('show_id', '=', showId)
      .orderBy('slug')
      .execute();
    return rows.map(toTopic);
  }

  async deleteTopic(showId: string, slug: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('topic_feeds')
      .where('show_id', '=', showId)
      .where('slug', '=', slug)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Stores a render unless a render made from newer data is already there (two
   * processes may render the same show). Keeps Last-Modified when the bytes did not change.
   */
  async storeRender(r: Omit<StoredRender, 'lastModified'>): Promise<StoredRender> {
    const row = await this.db
      .insertInto('feed_renders')
      .values({
        feed_key: r.feedKey,
        show_id: r.showId,
        etag: r.etag,
        last_modified: r.sourceTime,
        source_time: r.sourceTime,
        item_count: r.itemCount,
        body: r.body,
        gzip: r.gzip,
        br: r.br,
      })
      .onConflict((oc) =>
        oc
          .column('feed_key')
          .doUpdateSet({
            etag: (eb) => eb.ref('excluded.etag'),
            last_modified: sql<Date>`case when feed_renders.etag = excluded.etag then feed_renders.last_modified else excluded.last_modified end`,
            source_time: (eb) => eb.ref('excluded.source_time'),
            item_count: (eb) => eb.ref('excluded.item_count'),
            body: (eb) => eb.ref('excluded.body'),
            gzip: (eb) => eb.ref('excluded.gzip'),
            br: (eb) => eb.ref('excluded.br'),
          })
          .where('feed_renders.source_time', '<=', (eb) => eb.ref('excluded.source_time')),
      )
      .returningAll()
      .executeTakeFirst();
    // No row back: a newer render won; serve that one.
    return row ? toRender(row) : (await this.findRender(r.feedKey))!;
  }

  async findRender(feedKey: string): Promise<StoredRender | undefined> {
    const row = await this.db
      .selectFrom('feed_renders')
      .selectAll()
      .where('feed_key', '=', feedKey)
      .executeTakeFirst();
    return row && toRender(row);
  }

  /** The validator only: how a process learns, cheaply, that another one re-rendered. */
  async findEtag(feedKey: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('feed_renders')
      .select('etag')
      .where('feed_key', '=', feedKey)
      .executeTakeFirst();
    return row?.etag;
  }

  /** Drops renders of a show's feeds that no longer exist (a deleted topic). */
  async deleteRendersExcept(showId: string, keep: readonly string[]): Promise<void> {
    let query = this.db.deleteFrom('feed_renders').where('show_id', '=', showId);
    if (keep.length) query = query.where('feed_key', 'not in', keep);
    await query.execute();
  }
}

function toTopic(row: Selectable<TopicFeedsTable>): TopicFeed {
  return {
    id: row.id,
    showId: row.show_id,
    slug: row.slug,
    title: row.title,
    category: row.category,
    description: row.description,
    podcastGuid: row.podcast_guid,
    createdAt: new Date(row.created_at),
  };
}

function toRender(row: {
  feed_key: string;
  show_id: string;
  etag: string;
  last_modified: Date;
  source_time: Date;
  item_count: number;
  body: Uint8Array;
  gzip: Uint8Array;
  br: Uint8Array;
}): StoredRender {
  return {
    feedKey: row.feed_key,
    showId: row.show_id,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    sourceTime: new Date(row.source_time),
    itemCount: row.item_count,
    body: asBuffer(row.body),
    gzip: asBuffer(row.gzip),
    br: asBuffer(row.br),
  };
}
