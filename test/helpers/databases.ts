import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import pg from 'pg';
import { connectDb, migrateToLatest, type DbHandle } from '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';
import { fixture } from '../fixtures/cache.js';
import { TEST_DATABASE_ADMIN_URL } from './env.js';

export type Engine = 'pglite' | 'postgres';
export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `antenne_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

let migratedDump: Promise<Blob> | null = null;

/**
 * The data directory of a new PGlite database brought to the latest schema by the
 * migrations, dumped once per run (test/fixtures/cache.ts): a test's PGlite starts
 * from it in well under a second, where initdb alone takes two or three. It holds
 * the schema and nothing else (each app makes its own server secrets at start);
 * the migrations from an empty database still run here, once per run, and in every
 * test that starts PGlite on disk with no dump (first start, the user:create script).
 */
export function migratedPglite(): Promise<Blob> {
  migratedDump ??= fixture('pglite-migrated.tar', async (out) => {
    const pglite = await PGlite.create('memory://');
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    try {
      await migrateToLatest(db);
      await fs.writeFile(
        out,
        new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer()),
      );
    } finally {
      await db.destroy();
    }
  }).then(async (file) => new Blob([await fs.readFile(file)]));
  migratedDump.catch(() => (migratedDump = null));
  return migratedDump;
}

/** A migrated database on the given engine (PGlite in memory, or a scratch PostgreSQL database). */
export async function openTestDb(
  engine: Engine,
): Promise<{ handle: DbHandle; dispose: () => Promise<void> }> {
  if (engine === 'pglite') {
    const handle = await connectDb({
      pgliteDir: 'memory://',
      pgliteLoadDataDir: await migratedPglite(),
    });
    await migrateToLatest(handle.db);
    return { handle, dispose: () => handle.close() };
  }
  const scratch = await createScratchDatabase();
  const handle = await connectDb({ databaseUrl: scratch.url });
  await migrateToLatest(handle.db);
  return {
    handle,
    dispose: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}
