import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Episode, Rendition, Show, TopicFeed } from '../../core/domain.js';
import { FEED_STATES } from '../../core/episode-state.js';
import type { Db } from '../connect.js';
import type { EpisodesTable, RenditionsTable, TopicFeedsTable } from '../schema.js';
import { toEpisode } from './episodes.repo.js';
import { toRendition } from './renditions.repo.js';
import { toShow } from './shows.repo.js';
import { readFragments, type StoredFragment } from './feed-fragments.repo.js';
import { anyOf, insertRow, rowWhere } from './rows.js';

/** One feed item in order, with what its rendering depends on. */
export interface FeedIndexRow {
  readonly id: string;
  readonly updatedAt: Date;
  readonly publishedAt: Date;
  /**
   * Changes whenever the episode (every write bumps updated_at), its publication
   * key or one of its renditions changes.
   */
  readonly signature: string;
  /** The item's fragment key: the signature with what the caller adds (show, media base, renderer). */
  readonly key: string;
}

/** How the caller reuses items: their key, and which ones it holds already. */
export interface FragmentReuse {
  /** The fragment key of each row, given the show (computed once per snapshot). */
  readonly keyOf: (show: Show) => (signature: string) => string;
  /** True when the caller holds this item under this key (not read again). */
  readonly held: (episodeId: string, key: string) => boolean;
}

/** Without reuse: every item is read in full and rendered. */
const RENDER_ALL: FragmentReuse = { keyOf: () => (signature) => signature, held: () => false };

/** What one show's feeds are made of, read in one consistent snapshot. */
export interface FeedSnapshot {
  readonly show: Show;
  /** Episodes in FEED_STATES, newest article first. */
  readonly index: readonly FeedIndexRow[];
  /** Full rows of the episodes whose item must be rendered (neither held nor stored under its key). */
  readonly episodes: readonly Episode[];
  /** Items stored under their current key (feed_item_fragments), not held by the caller. */
  readonly stored: ReadonlyMap<string, StoredFragment>;
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
  /** Blob storage key prefix: + .xml, .xml.gz, .xml.br. */
  readonly storageKey: string;
}

export class FeedsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Reads the feed index (ids in order, with signatures: cheap), the stored
   * items still valid that the caller does not hold, and the full rows of the
   * rest, in one repeatable-read snapshot.
   */
  async snapshot(showId: string, reuse: FragmentReuse = RENDER_ALL): Promise<FeedSnapshot | null> {
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
        // The index comes packed in one text value per query: on PGlite, moving 10,000 rows
        // out of WASM costs 2-3x more than the same data as one string.
        const states = sql.join([...FEED_STATES]);
        const indexText = await sql<{ packed: string | null }>`
          select string_agg(
            e.id || E'\t' || (extract(epoch from e.updated_at) * 1000000)::bigint
              || E'\t' || (extract(epoch from e.published_at) * 1000)::bigint
              || E'\t' || coalesce(e.publication_key, ''),
            E'\n' order by e.published_at desc, e.id) as packed
          from episodes e
          where e.show_id = ${showId} and e.state in (${states})`.execute(trx);
        const renditionText = await sql<{ packed: string | null }>`
          select string_agg(
            r.episode_id || E'\t' || r.profile || ':' || r.storage_key || ':' || r.bytes || ':' || r.mime_type
              || ':' || r.bitrate_kbps || ':' || r.duration_seconds || ':' || r.sha256,
            E'\n' order by r.episode_id, r.profile) as packed
          from renditions r join episodes e on e.id = r.episode_id
          where e.show_id = ${showId} and e.state in (${states})`.execute(trx);
        const sigs = new Map<string, string>();
        for (const line of (renditionText.rows[0]?.packed ?? '').split('\n')) {
          if (!line) continue;
          const tab = line.indexOf('\t');
          const id = line.slice(0, tab);
          const before = sigs.get(id);
          sigs.set(id, before ? `${before},${line.slice(tab + 1)}` : line.slice(tab + 1));
        }
        const show = toShow(showRow);
        const keyOf = reuse.keyOf(show);
        const index: FeedIndexRow[] = [];
        const notHeld: string[] = [];
        for (const line of (indexText.rows[0]?.packed ?? '').split('\n')) {
          if (!line) continue;
          const [id, updatedMicros, publishedMs, publicationKey] = line.split('\t') as [
            string,
            string,
            string,
            string,
          ];
          const signature = `${updatedMicros}|${publicationKey}|${sigs.get(id) ?? ''}`;
          const key = keyOf(signature);
          index.push({
            id,
            updatedAt: new Date(Math.floor(Number(updatedMicros) / 1000)),
            publishedAt: new Date(Number(publishedMs)),
            signature,
            key,
          });
          if (!reuse.held(id, key)) notHeld.push(id);
        }
        const keys = new Map(index.map((r) => [r.id, r.key]));
        const stored = new Map<string, StoredFragment>();
        const candidates = reuse === RENDER_ALL ? [] : notHeld;
        for (const [id, fragment] of await readFragments(trx, candidates)) {
          if (fragment.key === keys.get(id)) stored.set(id, fragment);
        }
        const wanted = notHeld.filter((id) => !stored.has(id));
        const episodes: Episode[] = [];
        const renditions = new Map<string, Rendition[]>();
        for (let i = 0; i < wanted.length; i += 1000) {
          const ids = wanted.slice(i, i + 1000);
          // Whole rows packed as one JSON text too (a cold render reads every item's row).
          // JSON gives timestamps as ISO text and int8 as numbers: the row mappers take both.
          const episodeRows = await packedRows<Selectable<EpisodesTable>>(
            trx,
            sql<Packed>`select json_agg(e)::text as packed from episodes e where e.id = ${anyOf(ids)}`,
          );
          episodes.push(...episodeRows.map(toEpisode));
          const renditionRows = await packedRows<Selectable<RenditionsTable>>(
            trx,
            sql<Packed>`select json_agg(r order by r.profile)::text as packed
              from renditions r where r.episode_id = ${anyOf(ids)}`,
          );
          for (const row of renditionRows) {
            const list = renditions.get(row.episode_id) ?? [];
            list.push(toRendition(row));
            renditions.set(row.episode_id, list);
          }
        }
        const topicRows = await trx
          .selectFrom('topic_feeds')
          .selectAll()
          .where('show_id', '=', showId)
          .orderBy('slug')
          .execute();
        return {
          show,
          index,
          episodes,
          stored,
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
    const row = await insertRow(this.db, 'topic_feeds', {
      id: topic.id,
      show_id: topic.showId,
      slug: topic.slug,
      title: topic.title,
      category: topic.category,
      description: topic.description,
      podcast_guid: topic.podcastGuid,
    });
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
        storage_key: r.storageKey,
      })
      .onConflict((oc) =>
        oc
          .column('feed_key')
          .doUpdateSet({
            etag: (eb) => eb.ref('excluded.etag'),
            last_modified: sql<Date>`case when feed_renders.etag = excluded.etag then feed_renders.last_modified else excluded.last_modified end`,
            source_time: (eb) => eb.ref('excluded.source_time'),
            item_count: (eb) => eb.ref('excluded.item_count'),
            storage_key: (eb) => eb.ref('excluded.storage_key'),
          })
          .where('feed_renders.source_time', '<=', (eb) => eb.ref('excluded.source_time')),
      )
      .returningAll()
      .executeTakeFirst();
    // No row back: a newer render won; serve that one.
    return row ? toRender(row) : (await this.findRender(r.feedKey))!;
  }

  async findRender(feedKey: string): Promise<StoredRender | undefined> {
    const row = await rowWhere(this.db, 'feed_renders', 'feed_key', feedKey);
    return row && toRender(row);
  }

  async listRenderKeys(showId: string): Promise<{ feedKey: string; storageKey: string }[]> {
    const rows = await this.db
      .selectFrom('feed_renders')
      .select(['feed_key', 'storage_key'])
      .where('show_id', '=', showId)
      .execute();
    return rows.map((r) => ({ feedKey: r.feed_key, storageKey: r.storage_key }));
  }

  /** Drops renders of a show's feeds that no longer exist (a deleted topic). */
  /** Returns the storage keys of the rows it removed, so their files can go too. */
  async deleteRendersExcept(showId: string, keep: readonly string[]): Promise<string[]> {
    let query = this.db.deleteFrom('feed_renders').where('show_id', '=', showId);
    if (keep.length) query = query.where('feed_key', 'not in', keep);
    const rows = await query.returning('storage_key').execute();
    return rows.map((r) => r.storage_key);
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
  storage_key: string;
}): StoredRender {
  return {
    feedKey: row.feed_key,
    showId: row.show_id,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    sourceTime: new Date(row.source_time),
    itemCount: row.item_count,
    storageKey: row.storage_key,
  };
}

type Packed = { packed: string | null };

/** The rows a `select json_agg(…)::text as packed` query packed into one value. */
async function packedRows<Row>(db: Db, query: RawBuilder<Packed>): Promise<Row[]> {
  const { rows } = await query.execute(db);
  const packed = rows[0]?.packed;
  return packed ? (JSON.parse(packed) as Row[]) : [];
}
