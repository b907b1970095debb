import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDb, migrateToLatest, type DbHandle } from '../../src/db/connect.js';
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

/** A migrated database on the given engine (PGlite in memory, or a scratch PostgreSQL database). */
export async function openTestDb(
  engine: Engine,
): Promise<{ handle: DbHandle; dispose: () => Promise<void> }> {
  if (engine === 'pglite') {
    const handle = await connectDb({ pgliteDir: 'memory://' });
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
