import { sql } from 'kysely';
import { BindableRepository } from './bindable.js';
import { insertRow } from './rows.js';

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly role: 'editor';
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export class ApiTokensRepository extends BindableRepository {
  async insert(t: {
    id: string;
    name: string;
    tokenHash: string;
    prefix: string;
    createdBy: string | null;
  }): Promise<ApiToken> {
    const row = await insertRow(this.db, 'api_tokens', {
      id: t.id,
      name: t.name,
      token_hash: t.tokenHash,
      prefix: t.prefix,
      role: 'editor',
      created_by: t.createdBy,
    });
    return toToken(row);
  }

  /** The live token with this hash, marking it used. */
  async use(tokenHash: string): Promise<ApiToken | undefined> {
    const row = await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: sql<Date>`now()` })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row && toToken(row);
  }

  async list(): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toToken);
  }

  /** Revokes every live token `userId` created; returns them. */
  async revokeCreatedBy(userId: string): Promise<ApiToken[]> {
    const rows = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: sql<Date>`now()` })
      .where('created_by', '=', userId)
      .where('revoked_at', 'is', null)
      .returningAll()
      .execute();
    return rows.map(toToken);
  }

  async revoke(id: string): Promise<ApiToken | undefined> {
    const row = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toToken(row);
  }
}

function toToken(row: {
  id: string;
  name: string;
  prefix: string;
  role: 'editor';
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
  };
}
