import type { Rendition } from '../../core/domain.js';
import type { Db } from '../connect.js';
import type { RenditionRow } from '../schema.js';

export type NewRendition = Omit<Rendition, 'createdAt'>;

/** A new rendition's columns (all but `created_at`, which the database sets). */
export function renditionRow(r: NewRendition) {
  return { id: r.id, episode_id: r.episodeId, profile: r.profile, ...renditionFile(r) };
}

/** What a new run of the same profile replaces: the file and what was probed of it. */
function renditionFile(r: NewRendition) {
  return {
    mime_type: r.mimeType,
    codec: r.codec,
    bitrate_kbps: r.bitrateKbps,
    sample_rate: r.sampleRate,
    channels: r.channels,
    bytes: r.bytes,
    duration_seconds: r.durationSeconds,
    storage_key: r.storageKey,
    sha256: r.sha256,
  };
}

export class RenditionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records a rendition, replacing the one of the same profile: a retried job
   * overwrites its output, never doubles it. Returns the storage key it replaced, if any.
   */
  async upsert(r: NewRendition): Promise<{ rendition: Rendition; replacedKey: string | null }> {
    return this.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('renditions')
        .select('storage_key')
        .where('episode_id', '=', r.episodeId)
        .where('profile', '=', r.profile)
        .forUpdate()
        .executeTakeFirst();
      const row = await trx
        .insertInto('renditions')
        .values(renditionRow(r))
        .onConflict((oc) => oc.columns(['episode_id', 'profile']).doUpdateSet(renditionFile(r)))
        .returningAll()
        .executeTakeFirstOrThrow();
      const replacedKey =
        previous && previous.storage_key !== r.storageKey ? previous.storage_key : null;
      return { rendition: toRendition(row), replacedKey };
    });
  }

  /** Drops the renditions of profiles no longer in the ladder; returns their storage keys. */
  async deleteOtherProfiles(episodeId: string, keep: readonly string[]): Promise<string[]> {
    let query = this.db.deleteFrom('renditions').where('episode_id', '=', episodeId);
    if (keep.length) query = query.where('profile', 'not in', keep);
    const rows = await query.returning('storage_key').execute();
    return rows.map((r) => r.storage_key);
  }

  async listByEpisode(episodeId: string): Promise<Rendition[]> {
    const rows = await this.db
      .selectFrom('renditions')
      .selectAll()
      .where('episode_id', '=', episodeId)
      .orderBy('profile')
      .execute();
    return rows.map(toRendition);
  }

  /** Renditions of many episodes in one query (feed building). */
  async listByEpisodes(episodeIds: readonly string[]): Promise<Map<string, Rendition[]>> {
    const byEpisode = new Map<string, Rendition[]>();
    if (episodeIds.length === 0) return byEpisode;
    const rows = await this.db
      .selectFrom('renditions')
      .selectAll()
      .where('episode_id', 'in', episodeIds)
      .execute();
    for (const row of rows) {
      const list = byEpisode.get(row.episode_id) ?? [];
      list.push(toRendition(row));
      byEpisode.set(row.episode_id, list);
    }
    return byEpisode;
  }
}

export function toRendition(row: RenditionRow): Rendition {
  return {
    id: row.id,
    episodeId: row.episode_id,
    profile: row.profile,
    mimeType: row.mime_type,
    codec: row.codec,
    bitrateKbps: row.bitrate_kbps,
    sampleRate: row.sample_rate,
    channels: row.channels,
    bytes: Number(row.bytes),
    durationSeconds: row.duration_seconds,
    storageKey: row.storage_key,
    sha256: row.sha256,
    createdAt: new Date(row.created_at),
  };
}
