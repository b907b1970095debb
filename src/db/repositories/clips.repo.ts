import { sql } from 'kysely';
import type { Clip, ClipState, Soundbite } from '../../core/clips.js';
import type { Db } from '../connect.js';
import type { Selectable } from 'kysely';
import type { ClipsTable } from '../schema.js';
import { recordDerivedPlayerPeaks, replacedKeys, type PeakKeys } from './row-locks.js';
import { anyOf, insertRow, rowById } from './rows.js';

export interface NewClip {
  readonly id: string;
  readonly episodeId: string;
  readonly title: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
}

export class ClipsRepository {
  constructor(private readonly db: Db) {}

  async insert(clip: NewClip): Promise<Clip> {
    const row = await insertRow(this.db, 'clips', {
      id: clip.id,
      episode_id: clip.episodeId,
      title: clip.title,
      start_seconds: clip.startSeconds,
      end_seconds: clip.endSeconds,
      failure_reason: null,
      storage_key: null,
      bytes: null,
      duration_seconds: null,
      peaks_key: null,
    });
    return toClip(row);
  }

  async findById(id: string): Promise<Clip | undefined> {
    const row = await rowById(this.db, 'clips', id);
    return row && toClip(row);
  }

  async listByEpisode(episodeId: string): Promise<Clip[]> {
    const rows = await this.db
      .selectFrom('clips')
      .selectAll()
      .where('episode_id', '=', episodeId)
      .orderBy('start_seconds')
      .orderBy('id')
      .execute();
    return rows.map(toClip);
  }

  /**
   * Ready clips of many episodes in one query, as the feed's `podcast:soundbite`
   * needs them (start in the episode, duration, title), in episode order.
   */
  async listByEpisodes(episodeIds: readonly string[]): Promise<Map<string, Soundbite[]>> {
    const byEpisode = new Map<string, Soundbite[]>();
    if (episodeIds.length === 0) return byEpisode;
    const rows = await this.db
      .selectFrom('clips')
      .select(['id', 'episode_id', 'title', 'start_seconds', 'end_seconds'])
      // One array parameter: a feed asks for thousands of episodes at once.
      .where('episode_id', '=', anyOf(episodeIds))
      .where('state', '=', 'ready')
      .orderBy('episode_id')
      .orderBy('start_seconds')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const list = byEpisode.get(row.episode_id) ?? [];
      list.push({
        clipId: row.id,
        startTime: row.start_seconds,
        duration: Math.round((row.end_seconds - row.start_seconds) * 1000) / 1000,
        title: row.title,
      });
      byEpisode.set(row.episode_id, list);
    }
    return byEpisode;
  }

  async setState(id: string, state: ClipState, failureReason: string | null = null): Promise<void> {
    await this.db
      .updateTable('clips')
      .set({ state, failure_reason: failureReason, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  /** A correction moved the clip's range: it is cut again from the new audio (`pending`). */
  async reposition(id: string, startSeconds: number, endSeconds: number): Promise<void> {
    await this.db
      .updateTable('clips')
      .set({
        start_seconds: startSeconds,
        end_seconds: endSeconds,
        state: 'pending',
        failure_reason: null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Records the cut files; returns the keys they replaced (a retried job), to delete. */
  async markReady(
    id: string,
    files: { storageKey: string; bytes: number; durationSeconds: number } & PeakKeys,
  ): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('clips')
        .select(['storage_key', 'peaks_key', 'player_peaks_key'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('clips')
        .set({
          state: 'ready',
          failure_reason: null,
          storage_key: files.storageKey,
          bytes: files.bytes,
          duration_seconds: files.durationSeconds,
          peaks_key: files.peaksKey,
          player_peaks_key: files.playerPeaksKey,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
      return replacedKeys(
        [before.storage_key, before.peaks_key, before.player_peaks_key],
        files,
      ).filter((k) => k !== files.storageKey);
    });
  }

  /** As EpisodesRepository.recordPlayerPeaks, for a clip. */
  async recordPlayerPeaks(id: string, fromPeaksKey: string, key: string): Promise<string | null> {
    return recordDerivedPlayerPeaks(this.db, 'clips', id, fromPeaksKey, key);
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('clips').where('id', '=', id).execute();
  }
}

function toClip(row: Selectable<ClipsTable>): Clip {
  return {
    id: row.id,
    episodeId: row.episode_id,
    title: row.title,
    startSeconds: row.start_seconds,
    endSeconds: row.end_seconds,
    state: row.state,
    failureReason: row.failure_reason,
    storageKey: row.storage_key,
    bytes: row.bytes === null ? null : Number(row.bytes),
    durationSeconds: row.duration_seconds,
    peaksKey: row.peaks_key,
    playerPeaksKey: row.player_peaks_key,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
