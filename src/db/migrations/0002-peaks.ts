import type { Kysely } from 'kysely';

/** Where the episode's waveform peaks JSON is stored (null until processed). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('episodes').addColumn('peaks_key', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('episodes').dropColumn('peaks_key').execute();
}
