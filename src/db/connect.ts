import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';

export type Db = Kysely<Database>;

export interface DbHandle {
  readonly db: Db;
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/**
 * PostgreSQL when a URL is given, else PGlite (embedded Postgres, in this
 * process) under `<dataDir>/pglite`. `pgliteDir: 'memory://'` gives a throwaway database.
 */
export async function connectDb(options: {
  databaseUrl?: string | undefined;
  dataDir?: string;
  pgliteDir?: string;
  /**
   * PGlite only: a data directory (as PGlite's `dumpDataDir` writes it) that a new
   * database starts from instead of an empty one; ignored when the database exists.
   * The tests start from a migrated one, which spares each app initdb's seconds.
   */
  pgliteLoadDataDir?: Blob | undefined;
  /** An idle pooled connection failed (server restart, connection terminated): told, not thrown. */
  onIdleConnectionError?: (error: Error) => void;
}): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // Without a listener, an idle client's error would be thrown and end the process; the
    // pool has already discarded that client, and the next query opens a new one.
    pool.on('error', (error) => options.onIdleConnectionError?.(error));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  let dir = options.pgliteDir;
  if (!dir) {
    if (!options.dataDir)
      throw new Error('connectDb needs a databaseUrl, a dataDir or a pgliteDir');
    dir = path.join(options.dataDir, 'pglite');
    await fs.mkdir(dir, { recursive: true });
  }
  const pglite =
    options.pgliteLoadDataDir && !(await holdsDatabase(dir))
      ? await PGlite.create({ dataDir: dir, loadDataDir: options.pgliteLoadDataDir })
      : await PGlite.create(dir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, engine: 'pglite', close: () => db.destroy() };
}

/** Whether a PGlite directory on disk already holds a database (in memory: never). */
async function holdsDatabase(dir: string): Promise<boolean> {
  if (dir.startsWith('memory://')) return false;
  return fs.access(path.join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/** Brings the schema to the latest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // Migrations written in parallel branches can land out of number order; each is independent.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const cause = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
