import type { Kysely } from 'kysely';

/**
 * The player's light waveform (at most PLAYER_PEAKS_MAX_BARS bars), beside the
 * full-resolution peaks the studio's clip editor reads. Null for episodes and
 * clips processed before: the reader side derives it from the full set on first need.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('episodes').addColumn('player_peaks_key', 'text').execute();
  await db.schema.alterTable('clips').addColumn('player_peaks_key', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clips').dropColumn('player_peaks_key').execute();
  await db.schema.alterTable('episodes').dropColumn('player_peaks_key').execute();
}
