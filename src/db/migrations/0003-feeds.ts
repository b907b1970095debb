import { sql, type Kysely } from 'kysely';

/**
 * Feeds (issue 4): show artwork and Podcasting 2.0 channel fields, episode
 * publication schedule and item fields, topic feeds, and pre-rendered feed bytes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('shows')
    .addColumn('artwork_key', 'text')
    .addColumn('medium', 'text', (c) => c.notNull().defaultTo('podcast'))
    .addColumn('locked', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('txt', 'text')
    .execute();

  await db.schema
    .alterTable('episodes')
    .addColumn('scheduled_at', 'timestamptz')
    .addColumn('episode_type', 'text', (c) => c.notNull().defaultTo('full'))
    .addColumn('season', 'integer')
    .addColumn('episode_number', 'integer')
    .addColumn('explicit', 'boolean')
    .addColumn('location', 'jsonb')
    .addColumn('transcript_key', 'text')
    .addColumn('transcript_type', 'text')
    .addColumn('chapters_key', 'text')
    .execute();
  await db.schema
    .createIndex('episodes_scheduled_idx')
    .on('episodes')
    .column('scheduled_at')
    .where(sql.ref('state'), '=', 'scheduled')
    .execute();

  await db.schema
    .createTable('topic_feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('show_id', 'text', (c) => c.notNull().references('shows.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('podcast_guid', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('topic_feeds_show_slug_key', ['show_id', 'slug'])
    .execute();

  // One row per feed (show feed or topic feed). The bytes (XML, and gzip and br made at
  // render time) live in blob storage under `storage_key` + .xml/.xml.gz/.xml.br.
  await db.schema
    .createTable('feed_renders')
    .addColumn('feed_key', 'text', (c) => c.primaryKey())
    .addColumn('show_id', 'text', (c) => c.notNull().references('shows.id').onDelete('cascade'))
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'timestamptz', (c) => c.notNull())
    // When the data rendered was read: an older render never overwrites a newer one.
    .addColumn('source_time', 'timestamptz', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feed_renders').execute();
  await db.schema.dropTable('topic_feeds').execute();
  await db.schema.dropIndex('episodes_scheduled_idx').execute();
  await db.schema
    .alterTable('episodes')
    .dropColumn('scheduled_at')
    .dropColumn('episode_type')
    .dropColumn('season')
    .dropColumn('episode_number')
    .dropColumn('explicit')
    .dropColumn('location')
    .dropColumn('transcript_key')
    .dropColumn('transcript_type')
    .dropColumn('chapters_key')
    .execute();
  await db.schema
    .alterTable('shows')
    .dropColumn('artwork_key')
    .dropColumn('medium')
    .dropColumn('locked')
    .dropColumn('txt')
    .execute();
}
