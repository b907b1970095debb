import { sql, type Kysely } from 'kysely';

/**
 * Moving a feed (issue 13). A show's former slugs, each answering 301 to the
 * show's feed under its current slug, and kept from every other show while
 * they do; and the feed URL a show declares on another host, which its feed
 * here announces with `itunes:new-feed-url`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('show_feed_moves')
    .addColumn('old_slug', 'text', (c) => c.primaryKey())
    .addColumn('show_id', 'text', (c) => c.notNull().references('shows.id').onDelete('cascade'))
    .addColumn('moved_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('show_feed_moves_show_idx')
    .on('show_feed_moves')
    .column('show_id')
    .execute();
  await db.schema.alterTable('shows').addColumn('new_feed_url', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('shows').dropColumn('new_feed_url').execute();
  await db.schema.dropTable('show_feed_moves').execute();
}
