import { BindableRepository } from './bindable.js';

export interface UploadRecord {
  readonly id: string;
  readonly owner: string;
  readonly bytes: number;
  readonly fileName: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly consumedAt: Date | null;
  readonly episodeId: string | null;
}

/** Resumable uploads: ownership, single use and expiry (the bytes are in the tus store). */
export class UploadsRepository extends BindableRepository {
  async insert(u: {
    id: string;
    owner: string;
    bytes: number;
    fileName: string;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<void> {
    await this.db
      .insertInto('uploads')
      .values({
        id: u.id,
        owner: u.owner,
        bytes: u.bytes,
        file_name: u.fileName,
        created_at: u.createdAt,
        expires_at: u.expiresAt,
      })
      .execute();
  }

  async find(id: string): Promise<UploadRecord | undefined> {
    const row = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        owner: row.owner,
        bytes: Number(row.bytes),
        fileName: row.file_name,
        createdAt: new Date(row.created_at),
        expiresAt: new Date(row.expires_at),
        consumedAt: row.consumed_at ? new Date(row.consumed_at) : null,
        episodeId: row.episode_id,
      }
    );
  }

  /** Received bytes push the expiry back: only silence makes an upload lapse. */
  async touch(id: string, expiresAt: Date): Promise<void> {
    await this.db
      .updateTable('uploads')
      .set({ expires_at: expiresAt })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .execute();
  }

  /** Marks the upload used, once: false when another request used it first. */
  async claim(id: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('uploads')
      .set({ consumed_at: now })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives a claim back (nothing was made of the upload). */
  async release(id: string): Promise<void> {
    await this.db.updateTable('uploads').set({ consumed_at: null }).where('id', '=', id).execute();
  }

  async setEpisode(id: string, episodeId: string): Promise<void> {
    await this.db
      .updateTable('uploads')
      .set({ episode_id: episodeId })
      .where('id', '=', id)
      .execute();
  }

  /** Ids of uploads past their expiry (used ones included: their row has served its purpose). */
  async expired(now: Date, limit = 500): Promise<{ id: string; consumed: boolean }[]> {
    const rows = await this.db
      .selectFrom('uploads')
      .select(['id', 'consumed_at'])
      .where('expires_at', '<', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, consumed: r.consumed_at !== null }));
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('uploads').where('id', '=', id).execute();
  }
}
