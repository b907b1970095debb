import type { Kysely } from 'kysely';

/**
 * Resumable uploads (issue 16, tus): who started each one, when it lapses if it
 * receives nothing more, and the episode it became. The bytes live in the tus
 * store (DATA_DIR/uploads or the S3 bucket); this row is the source of truth for
 * ownership, single use and expiry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('episode_id', 'text', (c) => c.references('episodes.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('uploads_expires_idx').on('uploads').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('uploads').execute();
}
