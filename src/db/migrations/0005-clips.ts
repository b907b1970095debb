import { sql, type Kysely } from 'kysely';

/**
 * Clips (soundbites) cut from an episode, each with its own MP3 and peaks, and
 * the per-show player settings (download link on or off).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clips')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('episode_id', 'text', (c) =>
      c.notNull().references('episodes.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('start_seconds', 'double precision', (c) => c.notNull())
    .addColumn('end_seconds', 'double precision', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('failure_reason', 'text')
    .addColumn('storage_key', 'text')
    .addColumn('bytes', 'bigint')
    .addColumn('duration_seconds', 'double precision')
    .addColumn('peaks_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'clips_state_check',
      sql`state in ('pending','processing','ready','failed')`,
    )
    .addCheckConstraint(
      'clips_range_check',
      sql`end_seconds > start_seconds and start_seconds >= 0`,
    )
    .execute();
  await db.schema
    .createIndex('clips_episode_idx')
    .on('clips')
    .columns(['episode_id', 'start_seconds'])
    .execute();

  await db.schema
    .createTable('player_settings')
    .addColumn('show_id', 'text', (c) => c.primaryKey().references('shows.id').onDelete('cascade'))
    .addColumn('allow_download', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('player_settings').execute();
  await db.schema.dropTable('clips').execute();
}
