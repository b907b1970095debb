/**
 * Read-then-write on one row, shared by the repositories that change episodes
 * and shows. Reads take the row lock (FOR UPDATE) inside a transaction, so what
 * the caller checks still holds when it writes: two writers (workers, editors,
 * the scheduler) cannot both act on the same old row.
 *
 * These return rows, not domain objects: mapping stays in the repositories.
 */
import { sql, type Transaction, type UpdateObject, type Updateable } from 'kysely';
import { assertTransition, type EpisodeState } from '../../core/episode-state.js';
import type { Db } from '../connect.js';
import type { Database, EpisodeRow } from '../schema.js';

type Trx = Transaction<Database>;
/** Values or SQL expressions (e.g. `processing_revision + 1`) for an episode's columns. */
type EpisodeSet = UpdateObject<Database, 'episodes'>;

/** `updated_at = now()`: the database's clock, the same for every writer. */
export const updatedAtNow = { updated_at: sql<Date>`now()` as unknown as Date };

/** The episode's `columns`, read under the row lock; the caller picks executeTakeFirst(OrThrow). */
export function selectEpisodeForUpdate<C extends keyof EpisodeRow>(
  trx: Trx,
  id: string,
  columns: readonly C[],
) {
  return trx.selectFrom('episodes').select(columns).where('id', '=', id).forUpdate();
}

/** Writes `set` to the episode; returns the whole row as it is now. */
export function updateEpisodeRow(db: Db, id: string, set: EpisodeSet): Promise<EpisodeRow> {
  return db
    .updateTable('episodes')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Moves the episode to `to` with `set`, checking the transition against the
 * state as it is under the row lock. Throws IllegalTransitionError when the
 * state machine forbids it. Returns the updated row.
 */
export function transitionEpisodeRow(
  db: Db,
  id: string,
  to: EpisodeState,
  set: EpisodeSet,
): Promise<EpisodeRow> {
  return db.transaction().execute(async (trx) => {
    const current = await selectEpisodeForUpdate(trx, id, ['state']).executeTakeFirstOrThrow();
    assertTransition(current.state, to);
    // Media are public only while published (publication keys are set by publishing).
    const withdrawn = to === 'published' ? {} : { publication_key: null };
    return updateEpisodeRow(trx, id, { ...set, ...withdrawn, state: to, ...updatedAtNow });
  });
}

/** The file-key columns, per table, whose old file the caller deletes once replaced. */
interface FileKeyColumns {
  episodes: 'peaks_key' | 'transcript_key' | 'chapters_key';
  shows: 'artwork_key';
}

/** What replaceFileKey's query sees of any of those tables. */
type AnyFileKeyTable = { id: string } & Record<string, unknown>;

/**
 * Sets `column` to `newKey` (and `alsoSet`) under the row lock and returns the
 * key it replaced, for the caller to delete the file: null when there was none
 * or it is the same key (that file is still in use).
 */
export function replaceFileKey<T extends keyof FileKeyColumns>(
  db: Db,
  table: T,
  id: string,
  column: FileKeyColumns[T],
  newKey: string | null,
  alsoSet: Updateable<Database[T]> = {},
): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    // Kysely cannot type a query on a table picked by a type parameter; the
    // signature keeps callers typed, and every table allowed has a string id.
    const rows = trx as unknown as Transaction<Record<string, AnyFileKeyTable>>;
    const tableName: string = table;
    const columnName: string = column;
    const before = await rows
      .selectFrom(tableName)
      .select(columnName)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await rows
      .updateTable(tableName)
      .set({ ...(alsoSet as Updateable<AnyFileKeyTable>), [columnName]: newKey })
      .where('id', '=', id)
      .execute();
    const previous = before[columnName] as string | null;
    return previous && previous !== newKey ? previous : null;
  });
}

/** An episode's or a clip's two peak sets: full resolution (studio) and the player's. */
export interface PeakKeys {
  readonly peaksKey: string;
  readonly playerPeaksKey: string;
}

/** Of the keys a row had, those its new keys no longer name (their files can go). */
export function replacedKeys(before: readonly (string | null)[], now: PeakKeys): string[] {
  return before.filter((k): k is string => !!k && k !== now.peaksKey && k !== now.playerPeaksKey);
}

/**
 * Sets `player_peaks_key` of the episode or clip if it is still null and the
 * row's full set is still `fromPeaksKey` (a reprocessing may have replaced it
 * meanwhile); returns the row's player key afterwards (null: the row is gone).
 */
export async function recordDerivedPlayerPeaks(
  db: Db,
  table: 'episodes' | 'clips',
  id: string,
  fromPeaksKey: string,
  key: string,
): Promise<string | null> {
  await db
    .updateTable(table)
    .set({ player_peaks_key: key })
    .where('id', '=', id)
    .where('peaks_key', '=', fromPeaksKey)
    .where('player_peaks_key', 'is', null)
    .execute();
  const row = await db
    .selectFrom(table)
    .select('player_peaks_key')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.player_peaks_key ?? null;
}
