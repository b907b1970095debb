/**
 * Feed items as last rendered, one row per episode (migration 0010): any
 * process reuses an item whose key still matches instead of rendering it again.
 */
import { sql } from 'kysely';
import type { Db } from '../connect.js';
import { anyOf } from './rows.js';

export interface StoredFragment {
  readonly episodeId: string;
  /** Hash of everything the item was rendered from (src/feeds/item-fragments.ts). */
  readonly key: string;
  /** null: no MP3 rendition, so not in the feed. */
  readonly body: string | null;
  readonly categories: readonly string[];
}

const FOREIGN_KEY_VIOLATION = '23503';

/** Rows per statement. */
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
      .where('episode_id', '=', anyOf(episodeIds.slice(i, i + CHUNK)))
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
          .where('id', '=', anyOf(chunk.map((f) => f.episodeId)))
          .execute();
        const ids = new Set(alive.map((r) => r.id));
        const kept = chunk.filter((f) => ids.has(f.episodeId));
        if (kept.length) await this.insert(kept);
      }
    }
  }

  /** One statement, four array parameters (not four parameters per row). */
  private async insert(fragments: readonly StoredFragment[]): Promise<void> {
    const column = <T>(pick: (f: StoredFragment) => T) => fragments.map(pick);
    await sql`
      insert into feed_item_fragments (episode_id, fragment_key, body, categories)
      select * from unnest(
        ${column((f) => f.episodeId)}::text[], ${column((f) => f.key)}::text[],
        ${column((f) => f.body)}::text[], ${column((f) => JSON.stringify(f.categories))}::text[])
      on conflict (episode_id) do update set
        fragment_key = excluded.fragment_key, body = excluded.body,
        categories = excluded.categories, rendered_at = now()`.execute(this.db);
  }
}
