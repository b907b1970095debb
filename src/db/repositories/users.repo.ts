import type { Db } from '../connect.js';
import type { Role } from '../schema.js';

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

export class UsersRepository {
  constructor(private readonly db: Db) {}

  async insert(user: {
    id: string;
    email: string;
    name: string;
    passwordHash: string;
    role: Role;
  }): Promise<User> {
    const row = await this.db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        name: user.name,
        password_hash: user.passwordHash,
        role: user.role,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async findByEmail(email: string): Promise<UserWithHash | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('created_at').execute();
    return rows.map(toUser);
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
