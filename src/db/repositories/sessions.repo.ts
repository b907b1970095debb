import { BindableRepository } from './bindable.js';
import { rowWhere } from './rows.js';

export interface SessionRecord {
  readonly userId: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export class SessionsRepository extends BindableRepository {
  async insert(s: {
    idHash: string;
    userId: string;
    csrfToken: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        user_id: s.userId,
        csrf_token: s.csrfToken,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async find(idHash: string): Promise<SessionRecord | undefined> {
    const row = await rowWhere(this.db, 'sessions', 'id_hash', idHash);
    return (
      row && { userId: row.user_id, csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) }
    );
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of the user, but the one with `keepIdHash` if given; returns how many ended. */
  async deleteAllOf(userId: string, keepIdHash?: string): Promise<number> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepIdHash !== undefined) query = query.where('id_hash', '!=', keepIdHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(now = new Date()): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
