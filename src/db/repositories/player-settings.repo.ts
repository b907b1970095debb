import { sql } from 'kysely';
import type { PlayerSettings } from '../../core/clips.js';
import type { Db } from '../connect.js';

export const DEFAULT_PLAYER_SETTINGS: PlayerSettings = Object.freeze({ allowDownload: false });

/** Per-show options of the embeddable player; a show without a row gets the defaults. */
export class PlayerSettingsRepository {
  constructor(private readonly db: Db) {}

  async get(showId: string): Promise<PlayerSettings> {
    const row = await this.db
      .selectFrom('player_settings')
      .select('allow_download')
      .where('show_id', '=', showId)
      .executeTakeFirst();
    return row ? { allowDownload: row.allow_download } : DEFAULT_PLAYER_SETTINGS;
  }

  async set(showId: string, settings: PlayerSettings): Promise<PlayerSettings> {
    await this.db
      .insertInto('player_settings')
      .values({ show_id: showId, allow_download: settings.allowDownload })
      .onConflict((oc) =>
        oc
          .column('show_id')
          .doUpdateSet({ allow_download: settings.allowDownload, updated_at: sql<Date>`now()` }),
      )
      .execute();
    return this.get(showId);
  }
}
