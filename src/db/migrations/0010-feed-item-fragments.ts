import { sql, type Kysely } from 'kysely';

/**
 * Feed items rendered once per revision (issue 14): each episode's latest item
 * XML, under the key of everything it was rendered from (episode row and
 * renditions, publication key, the show's settings that items show, media base,
 * renderer version). A rebuild renders only the items whose key changed, in any
 * process; a deleted episode takes its fragment with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feed_item_fragments')
    .addColumn('episode_id', 'text', (c) =>
      c.primaryKey().references('episodes.id').onDelete('cascade'),
    )
    .addColumn('fragment_key', 'text', (c) => c.notNull())
    // null: the episode has no MP3 yet, so no item.
    .addColumn('body', 'text')
    // JSON array of the article's categories: which topic feeds carry the item.
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('rendered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feed_item_fragments').execute();
}
