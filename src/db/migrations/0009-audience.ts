import { sql, type Kysely } from 'kysely';

/**
 * Audience figures (issue 12), aggregated per UTC day from the raw events that
 * Redis buffers (raw events and listener hashes never reach the database):
 * - downloads: IAB v2.2 downloads of an episode's audio, per app and platform;
 * - listens: what the embedded player reports (started, 30 s heard, completed).
 * Rows are only ever incremented by the aggregation job, keyed by their primary key;
 * audience_cursor is where that job has read up to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audience_downloads')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('episode_id', 'text', (c) =>
      c.notNull().references('episodes.id').onDelete('cascade'),
    )
    .addColumn('show_id', 'text', (c) => c.notNull().references('shows.id').onDelete('cascade'))
    .addColumn('app', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('audience_downloads_pk', ['day', 'episode_id', 'app', 'platform'])
    .addCheckConstraint('audience_downloads_positive', sql`downloads >= 0`)
    .execute();
  await db.schema
    .createIndex('audience_downloads_show_day_idx')
    .on('audience_downloads')
    .columns(['show_id', 'day'])
    .execute();
  await db.schema
    .createIndex('audience_downloads_episode_day_idx')
    .on('audience_downloads')
    .columns(['episode_id', 'day'])
    .execute();

  await db.schema
    .createTable('audience_listens')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('episode_id', 'text', (c) =>
      c.notNull().references('episodes.id').onDelete('cascade'),
    )
    .addColumn('show_id', 'text', (c) => c.notNull().references('shows.id').onDelete('cascade'))
    .addColumn('milestone', 'text', (c) => c.notNull())
    .addColumn('listens', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('audience_listens_pk', ['day', 'episode_id', 'milestone'])
    .addCheckConstraint(
      'audience_listens_milestone_check',
      sql`milestone in ('started','heard-30s','completed')`,
    )
    .addCheckConstraint('audience_listens_positive', sql`listens >= 0`)
    .execute();
  await db.schema
    .createIndex('audience_listens_show_day_idx')
    .on('audience_listens')
    .columns(['show_id', 'day'])
    .execute();

  // How far the aggregation has read Redis's event stream: moved in the same
  // transaction as the counts it adds, so a batch is added exactly once.
  await db.schema
    .createTable('audience_cursor')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('last_id', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audience_cursor').execute();
  await db.schema.dropTable('audience_listens').execute();
  await db.schema.dropTable('audience_downloads').execute();
}
