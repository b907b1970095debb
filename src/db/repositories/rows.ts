/**
 * The two statements repositories write alike for any table: a row by its id,
 * and an insert that answers the stored row.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../connect.js';
import type { Database } from '../schema.js';

/** The tables whose rows are known by a text `id`. */
type TableWithId = {
  [T in keyof Database]: Selectable<Database[T]> extends { id: string } ? T : never;
}[keyof Database];

/** One row by its id, or undefined. */
export async function rowById<T extends TableWithId>(
  db: Db,
  name: T,
  id: string,
): Promise<Selectable<Database[T]> | undefined> {
  // The table is a parameter: Kysely's dynamic module takes names unknown at compile time.
  const row = await db
    .selectFrom(db.dynamic.table(name).as('t'))
    .selectAll()
    .where(db.dynamic.ref('id'), '=', id)
    .executeTakeFirst();
  // `select *` on that one table: its row type, which the dynamic name hides from the compiler.
  return row as Selectable<Database[T]> | undefined;
}

/** Inserts one row and answers it as stored (defaults and generated columns filled in). */
export function insertRow<T extends keyof Database>(
  db: Db,
  table: T,
  row: Insertable<Database[T]>,
): Promise<Selectable<Database[T]>> {
  return db.insertInto(table).values(row).returningAll().executeTakeFirstOrThrow();
}
