import type { Kysely } from 'kysely';

/**
 * Audio settings per show (loudness target, rendition ladder) and, per episode,
 * the editor's chapters, the loudness report and the processing options of the
 * last (re)processing request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('shows')
    .addColumn('loudness_target_lufs', 'double precision')
    .addColumn('true_peak_dbtp', 'double precision')
    .addColumn('rendition_profiles', 'jsonb')
    .execute();
  await db.schema
    .alterTable('episodes')
    .addColumn('chapters', 'jsonb')
    .addColumn('loudness', 'jsonb')
    .addColumn('processing_options', 'jsonb')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('episodes')
    .dropColumn('chapters')
    .dropColumn('loudness')
    .dropColumn('processing_options')
    .execute();
  await db.schema
    .alterTable('shows')
    .dropColumn('loudness_target_lufs')
    .dropColumn('true_peak_dbtp')
    .dropColumn('rendition_profiles')
    .execute();
}
