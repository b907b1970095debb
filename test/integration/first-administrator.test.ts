/**
 * API processes started together on a fresh database (docker compose up) each
 * find no account and each create the configured first administrator: one of
 * them creates it, and every one of them starts.
 */
import assert from 'node:assert/strict';
import { ensureFirstAdministrator } from '../../src/compose/first-access.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { connectDb, migrateToLatest, type DbHandle } from '../../src/db/connect.js';
import { ApiTokensRepository } from '../../src/db/repositories/api-tokens.repo.js';
import { SessionsRepository } from '../../src/db/repositories/sessions.repo.js';
import { UsersRepository } from '../../src/db/repositories/users.repo.js';
import { AccountService } from '../../src/services/accounts.js';
import { createScratchDatabase } from '../helpers/databases.js';

const ADMIN = { email: 'admin@example.org', password: 'a long and correct passphrase' };

describe('first administrator, with processes starting together', function () {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const handles: DbHandle[] = [];

  before(async () => {
    scratch = await createScratchDatabase();
    // Four processes' worth: each its own connection pool on the one database.
    for (let i = 0; i < 4; i += 1) handles.push(await connectDb({ databaseUrl: scratch.url }));
    await migrateToLatest(handles[0]!.db);
  });

  after(async () => {
    for (const handle of handles) await handle.close();
    await scratch?.drop();
  });

  it('is created once, and no process fails to start', async () => {
    const config = loadConfig({
      DATABASE_URL: scratch.url,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    const logger = createLogger({ level: 'silent', pretty: false });
    const accounts = handles.map(
      (h) =>
        new AccountService(
          new UsersRepository(h.db),
          new SessionsRepository(h.db),
          new ApiTokensRepository(h.db),
          { sessionTtlMs: 3600_000 },
        ),
    );
    const outcomes = await Promise.allSettled(
      accounts.map((a) => ensureFirstAdministrator(config, logger, a)),
    );
    assert.deepEqual(
      outcomes.filter((o) => o.status === 'rejected'),
      [],
      'every process started',
    );
    const users = await handles[0]!.db.selectFrom('users').select(['email', 'role']).execute();
    assert.deepEqual(users, [{ email: ADMIN.email, role: 'admin' }]);
  });
});
