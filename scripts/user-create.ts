/**
 * Creates a studio account: `npm run user:create -- --email a@b.org --name "Ana" [--role admin|editor]`.
 * The password comes from ANTENNE_PASSWORD, or --password (visible in the shell history).
 * Uses the same configuration as the server (DATABASE_URL or the embedded database under DATA_DIR);
 * with the embedded database, stop the server first (PGlite allows one process).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/core/config.js';
import { AppError } from '../src/core/errors.js';
import { connectDb, migrateToLatest } from '../src/db/connect.js';
import { ApiTokensRepository } from '../src/db/repositories/api-tokens.repo.js';
import { SessionsRepository } from '../src/db/repositories/sessions.repo.js';
import { UsersRepository } from '../src/db/repositories/users.repo.js';
import { AccountService } from '../src/services/accounts.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'editor' },
      password: { type: 'string' },
    },
  });
  const password = process.env.ANTENNE_PASSWORD ?? values.password;
  const role = values.role;
  if (!values.email || !values.name || !password || (role !== 'admin' && role !== 'editor')) {
    process.stderr.write(
      'Usage: ANTENNE_PASSWORD=… npm run user:create -- --email ana@example.org --name "Ana" [--role admin|editor]\n',
    );
    return 64;
  }
  const config = loadConfig();
  const db = await connectDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(db.db);
    const accounts = new AccountService(
      new UsersRepository(db.db),
      new SessionsRepository(db.db),
      new ApiTokensRepository(db.db),
      {
        sessionTtlMs: config.sessionTtlMs,
      },
    );
    const user = await accounts.createUser({
      email: values.email,
      name: values.name,
      password,
      role,
    });
    process.stdout.write(`Created ${user.role} ${user.email} (${user.id}).\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      const fields = error.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
      process.stderr.write(`${error.title}${fields ? `: ${fields}` : ''}.\n`);
      return 65;
    }
    throw error;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`user:create failed: ${String(error)}\n`);
    process.exit(1);
  },
);
