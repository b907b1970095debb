/**
 * The statements repositories write alike for any table: a row by its id or
 * another unique column, and an insert that answers the stored row.
 */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../connect.js';
import type { Database } from '../schema.js';

/** The tables whose rows are known by a text `id`. */
type TableWithId = {
  [T in keyof Database]: Selectable<Database[T]> extends { id: string } ? T : never;
}[keyof Database];

/** A column of table `T`. */
type Column<T extends keyof Database> = keyof Selectable<Database[T]> & string;

/** One row by its id, or undefined. */
export function rowById<T extends TableWithId>(
  db: Db,
  name: T,
  id: string,
): Promise<Selectable<Database[T]> | undefined> {
  // Every TableWithId has the column, which the compiler cannot see through the generic.
  return rowWhere(db, name, 'id' as Column<T>, id);
}

/** The row whose `column` (a unique one: an id, a slug, an e-mail) holds `value`, or undefined. */
export async function rowWhere<T extends keyof Database>(
  db: Db,
  name: T,
  column: Column<T>,
  value: string,
): Promise<Selectable<Database[T]> | undefined> {
  // The table is a parameter: Kysely's dynamic module takes names unknown at compile time.
  const row = await db
    .selectFrom(db.dynamic.table(name).as('t'))
    .selectAll()
    .where(db.dynamic.ref(column), '=', value)
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

/**
 * `column = any($1::text[])`: a list of ids as one array parameter. An `in` list
 * takes one parameter per id, which costs far more for the thousands of a feed.
 */
export const anyOf = (values: readonly string[]) => sql<string>`any(${values}::text[])`;
