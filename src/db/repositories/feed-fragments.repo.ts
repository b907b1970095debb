/**
 * Feed items as last rendered, one row per episode (migration 0010): any
 * process reuses an item whose key still matches instead of rendering it again.
 */
import type { Db } from '../connect.js';

export interface StoredFragment {
  readonly episodeId: string;
  /** Hash of everything the item was rendered from (src/feeds/item-fragments.ts). */
  readonly key: string;
  /** null: no MP3 rendition, so not in the feed. */
  readonly body: string | null;
  readonly categories: readonly string[];
}

const FOREIGN_KEY_VIOLATION = '23503';

/** Rows per statement: 4 parameters each, far under PostgreSQL's 65,535. */
const CHUNK = 1000;

/** The stored fragments of `episodeIds` (any key): `db` may be a transaction. */
export async function readFragments(
  db: Db,
  episodeIds: readonly string[],
): Promise<Map<string, StoredFragment>> {
  const found = new Map<string, StoredFragment>();
  for (let i = 0; i < episodeIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('feed_item_fragments')
      .select(['episode_id', 'fragment_key', 'body', 'categories'])
      .where('episode_id', 'in', episodeIds.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) {
      found.set(row.episode_id, {
        episodeId: row.episode_id,
        key: row.fragment_key,
        body: row.body,
        categories: JSON.parse(row.categories) as string[],
      });
    }
  }
  return found;
}

export class FeedFragmentsRepository {
  constructor(private readonly db: Db) {}

  find(episodeIds: readonly string[]): Promise<Map<string, StoredFragment>> {
    return readFragments(this.db, episodeIds);
  }

  /** Stores freshly rendered items over what their episodes had (the newest render wins). */
  async save(fragments: readonly StoredFragment[]): Promise<void> {
    for (let i = 0; i < fragments.length; i += CHUNK) {
      const chunk = fragments.slice(i, i + CHUNK);
      try {
        await this.insert(chunk);
      } catch (error) {
        if ((error as { code?: unknown }).code !== FOREIGN_KEY_VIOLATION) throw error;
        // An episode deleted since the snapshot: its item goes with it.
        const alive = await this.db
          .selectFrom('episodes')
          .select('id')
          .where(
            'id',
            'in',
            chunk.map((f) => f.episodeId),
          )
          .execute();
        const ids = new Set(alive.map((r) => r.id));
        const kept = chunk.filter((f) => ids.has(f.episodeId));
        if (kept.length) await this.insert(kept);
      }
    }
  }

  private async insert(fragments: readonly StoredFragment[]): Promise<void> {
    await this.db
      .insertInto('feed_item_fragments')
      .values(
        fragments.map((f) => ({
          episode_id: f.episodeId,
          fragment_key: f.key,
          body: f.body,
          categories: JSON.stringify(f.categories),
        })),
      )
      .onConflict((oc) =>
        oc.column('episode_id').doUpdateSet({
          fragment_key: (eb) => eb.ref('excluded.fragment_key'),
          body: (eb) => eb.ref('excluded.body'),
          categories: (eb) => eb.ref('excluded.categories'),
          rendered_at: new Date(),
        }),
      )
      .execute();
  }
}
