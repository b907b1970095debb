import { sql, type Kysely } from 'kysely';

/**
 * Corrections (issue 13): an episode's audio in versions. Version 1 is the
 * audio as first processed (recorded when the first correction is asked);
 * each correction adds one, `processing` until its renditions are stored and
 * swapped in, then `live` (the one before becomes `superseded`), or `failed`
 * with a reason while the previous version stays live. At most one correction
 * is in progress per episode. The public notes are also kept on the episode
 * (`correction_notes`, JSON) so that a feed rebuild reads them with the row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('episode_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('episode_id', 'text', (c) =>
      c.notNull().references('episodes.id').onDelete('cascade'),
    )
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('note', 'text')
    .addColumn('cuts', 'text')
    .addColumn('source_key', 'text')
    .addColumn('source_name', 'text')
    .addColumn('created_by_id', 'text')
    .addColumn('created_by_name', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('duration_seconds', 'double precision')
    .addColumn('loudness', 'text')
    .addColumn('enclosure_key', 'text')
    .addColumn('failure_reason', 'text')
    .addCheckConstraint(
      'episode_versions_kind_check',
      sql`kind in ('original','cut','replacement')`,
    )
    .addCheckConstraint(
      'episode_versions_state_check',
      sql`state in ('processing','live','superseded','failed')`,
    )
    .addUniqueConstraint('episode_versions_number_key', ['episode_id', 'number'])
    .execute();
  // One correction at a time per episode: the second is told 409.
  await sql`create unique index episode_versions_one_pending_idx on episode_versions (episode_id) where state = 'processing'`.execute(
    db,
  );
  await db.schema.alterTable('episodes').addColumn('correction_notes', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('episodes').dropColumn('correction_notes').execute();
  await db.schema.dropTable('episode_versions').execute();
}
