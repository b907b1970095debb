import { sql } from 'kysely';
import type { Db } from '../connect.js';
import { BindableRepository } from './bindable.js';
import type { Role } from '../schema.js';
import { insertRow, rowById, rowWhere } from './rows.js';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly disabled: boolean;
}

export interface UserWithHash extends User {
  readonly passwordHash: string;
}

/** A user as the administrators' list shows it: with what still gives them access. */
export interface UserListing extends User {
  /** Sessions not yet expired. */
  readonly activeSessions: number;
  /** API tokens this user created that are not revoked. */
  readonly liveApiTokens: number;
}

/** What an administrator may change about an account. */
export interface UserChange {
  readonly name?: string;
  readonly email?: string;
  readonly role?: Role;
  readonly disabled?: boolean;
}

export class UsersRepository extends BindableRepository {
  /** Runs `fn` in one transaction; `bind` gives repositories on it. */
  transaction<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async insert(user: {
    id: string;
    email: string;
    name: string;
    passwordHash: string;
    role: Role;
  }): Promise<User> {
    const row = await insertRow(this.db, 'users', {
      id: user.id,
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      role: user.role,
    });
    return toUser(row);
  }

  async findByEmail(email: string): Promise<UserWithHash | undefined> {
    const row = await rowWhere(this.db, 'users', 'email', email);
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await rowById(this.db, 'users', id);
    return row && toUser(row);
  }

  async findWithHashById(id: string): Promise<UserWithHash | undefined> {
    const row = await rowById(this.db, 'users', id);
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  /** The user's row, locked until the transaction ends (inside `transaction` only). */
  async findForUpdate(id: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toUser(row);
  }

  /**
   * Locks every active administrator's row until the transaction ends, so two
   * administrators demoting each other at once cannot both see the other remain.
   */
  async lockActiveAdmins(): Promise<void> {
    await this.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .forUpdate()
      .execute();
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(id: string, change: UserChange): Promise<User | undefined> {
    const row = await this.db
      .updateTable('users')
      .set({
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.email !== undefined ? { email: change.email } : {}),
        ...(change.role !== undefined ? { role: change.role } : {}),
        // Disabling again keeps the first date.
        ...(change.disabled !== undefined
          ? {
              disabled_at: change.disabled
                ? sql<Date>`coalesce(disabled_at, now())`
                : (null as Date | null),
            }
          : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toUser(row);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes the account; its sessions go with it, its tokens lose their creator (foreign keys). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('created_at').execute();
    return rows.map(toUser);
  }

  /** Every user with their live sessions and tokens, counted in the same query. */
  async listWithAccess(now = new Date()): Promise<UserListing[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll('users')
      .select((eb) => [
        eb
          .selectFrom('sessions')
          .select((s) => s.fn.countAll<string | number | bigint>().as('n'))
          .whereRef('sessions.user_id', '=', 'users.id')
          .where('sessions.expires_at', '>', now)
          .as('active_sessions'),
        eb
          .selectFrom('api_tokens')
          .select((s) => s.fn.countAll<string | number | bigint>().as('n'))
          .whereRef('api_tokens.created_by', '=', 'users.id')
          .where('api_tokens.revoked_at', 'is', null)
          .as('live_api_tokens'),
      ])
      .orderBy('users.created_at')
      .orderBy('users.id')
      .execute();
    return rows.map((row) => ({
      ...toUser(row),
      activeSessions: Number(row.active_sessions ?? 0),
      liveApiTokens: Number(row.live_api_tokens ?? 0),
    }));
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function toUser(row: {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
  disabled_at: Date | null;
}): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: new Date(row.created_at),
    disabled: row.disabled_at !== null,
  };
}
