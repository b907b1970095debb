import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDb, type DbHandle } from '../../src/db/connect.js';
import { createScratchDatabase } from '../helpers/databases.js';
import { TEST_DATABASE_ADMIN_URL } from '../helpers/env.js';

/**
 * A PostgreSQL restart or an administrator ending connections must not end the
 * process: the pool reports the idle connection's error and the next query works.
 */
describe('PostgreSQL pool: an idle connection terminated by the server', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let handle: DbHandle;
  const errors: Error[] = [];

  before(async () => {
    scratch = await createScratchDatabase();
    handle = await connectDb({
      databaseUrl: scratch.url,
      onIdleConnectionError: (error) => errors.push(error),
    });
  });
  after(async () => {
    await handle.close();
    await scratch.drop();
  });

  it('is reported, not thrown, and the next query opens a new connection', async () => {
    // One query leaves one idle connection in the pool.
    await sql`select 1`.execute(handle.db);
    const name = new URL(scratch.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      assert.ok((rowCount ?? 0) >= 1, 'the idle connection was there to end');
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 50 && errors.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /terminat/i);
    const { rows } = await sql<{ n: number }>`select 2 as n`.execute(handle.db);
    assert.equal(rows[0]?.n, 2);
  });
});
