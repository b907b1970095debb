import { sql, type Kysely } from 'kysely';

// Migrations take Kysely<unknown>: they must not depend on today's schema types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addColumn('owner_email', 'text', (c) => c.notNull())
    .addColumn('image_url', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('subcategory', 'text')
    .addColumn('explicit', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('show_type', 'text', (c) => c.notNull().defaultTo('episodic'))
    .addColumn('site_url', 'text', (c) => c.notNull())
    .addColumn('copyright', 'text')
    .addColumn('podcast_guid', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('episodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('show_id', 'text', (c) => c.notNull().references('shows.id').onDelete('cascade'))
    .addColumn('guid', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure_reason', 'text')
    .addColumn('processing_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('article_url', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addColumn('categories', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('image_url', 'text')
    .addColumn('source', 'text')
    .addColumn('copyright', 'text')
    .addColumn('language', 'text')
    .addColumn('interviewees', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('original_key', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('original_bytes', 'bigint', (c) => c.notNull())
    .addColumn('duration_seconds', 'double precision')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'episodes_state_check',
      sql`state in ('uploaded','processing','ready','scheduled','published','unpublished','failed')`,
    )
    .addCheckConstraint('episodes_progress_check', sql`progress between 0 and 100`)
    .execute();
  await db.schema
    .createIndex('episodes_show_published_idx')
    .on('episodes')
    .columns(['show_id', 'published_at'])
    .execute();
  await db.schema.createIndex('episodes_state_idx').on('episodes').column('state').execute();

  await db.schema
    .createTable('renditions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('episode_id', 'text', (c) =>
      c.notNull().references('episodes.id').onDelete('cascade'),
    )
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('codec', 'text', (c) => c.notNull())
    .addColumn('bitrate_kbps', 'integer', (c) => c.notNull())
    .addColumn('sample_rate', 'integer', (c) => c.notNull())
    .addColumn('channels', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('duration_seconds', 'double precision', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // One rendition per profile: a retried job replaces, never doubles.
    .addUniqueConstraint('renditions_episode_profile_key', ['episode_id', 'profile'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('renditions').execute();
  await db.schema.dropTable('episodes').execute();
  await db.schema.dropTable('shows').execute();
}
