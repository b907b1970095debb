import { sql, type Kysely } from 'kysely';

/**
 * Confidentiality of media: an episode's files are public only under the key of
 * its current publication (a new key each time it is published, none while it is
 * not), and the server keeps the secret that signs editors' private media URLs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('episodes').addColumn('publication_key', 'text').execute();
  await db.schema
    .createIndex('episodes_publication_key_idx')
    .unique()
    .on('episodes')
    .column('publication_key')
    .execute();
  // Episodes already published keep being served, under a key of their own.
  await sql`update episodes set publication_key = md5(random()::text || id) where state = 'published'`.execute(
    db,
  );
  // Keyset pagination of a show's episodes (newest article first).
  await db.schema
    .createIndex('episodes_show_listing_idx')
    .on('episodes')
    .columns(['show_id', 'published_at', 'id'])
    .execute();

  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('server_secrets').execute();
  await db.schema.dropIndex('episodes_show_listing_idx').execute();
  await db.schema.dropIndex('episodes_publication_key_idx').execute();
  await db.schema.alterTable('episodes').dropColumn('publication_key').execute();
}
