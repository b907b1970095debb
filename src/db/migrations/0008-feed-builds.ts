import { sql, type Kysely } from 'kysely';

/**
 * Feed rebuilds coalesced across processes: every request for a show takes a
 * revision; one process at a time holds the show's lease and renders; a render
 * covers every revision requested before it read the data.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feed_builds')
    .addColumn('show_id', 'text', (c) => c.primaryKey().references('shows.id').onDelete('cascade'))
    .addColumn('requested', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('built', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feed_builds').execute();
}
