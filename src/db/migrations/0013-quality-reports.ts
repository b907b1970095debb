import type { Kysely } from 'kysely';

/**
 * The quality report (issue 13): per show, the editor's thresholds (JSON, only
 * what differs from the defaults); per episode, what the worker measured of the
 * original (the report is derived from it, so thresholds and metadata edits
 * apply at once) and the overrides with which editors published despite
 * blocking findings (who, when, why).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('shows').addColumn('quality_settings', 'jsonb').execute();
  await db.schema
    .alterTable('episodes')
    .addColumn('audio_analysis', 'jsonb')
    .addColumn('quality_overrides', 'jsonb')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('episodes')
    .dropColumn('audio_analysis')
    .dropColumn('quality_overrides')
    .execute();
  await db.schema.alterTable('shows').dropColumn('quality_settings').execute();
}
