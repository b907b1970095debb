import { sql, type Selectable } from 'kysely';
import type {
  Actor,
  CorrectionNote,
  Cut,
  EpisodeVersion,
  VersionKind,
} from '../../core/corrections.js';
import type { Episode } from '../../core/domain.js';
import { PLAYABLE_STATES } from '../../core/episode-state.js';
import { newId } from '../../core/ids.js';
import type { LoudnessReport } from '../../core/media-types.js';
import type { AudioAnalysis } from '../../core/quality.js';
import type { Db } from '../connect.js';
import type { EpisodeVersionsTable } from '../schema.js';
import { renditionRow, type NewRendition } from './renditions.repo.js';
import { selectEpisodeForUpdate, updatedAtNow } from './row-locks.js';
import { rowById } from './rows.js';

/** A correction cannot start or go live: the episode is not in a state with audio. */
export class VersionConflictError extends Error {
  constructor(
    readonly code: 'not-processed' | 'correction-pending',
    message: string,
  ) {
    super(message);
    this.name = 'VersionConflictError';
  }
}

export interface NewCorrection {
  readonly episodeId: string;
  readonly kind: Exclude<VersionKind, 'original'>;
  readonly reason: string;
  readonly note: string;
  readonly cuts: readonly Cut[] | null;
  readonly sourceKey: string | null;
  readonly sourceName: string | null;
  readonly createdBy: Actor;
}

/** What a finished correction puts live, all at once. */
export interface GoLive {
  readonly versionId: string;
  readonly renditions: readonly NewRendition[];
  readonly master: { readonly key: string; readonly name: string; readonly bytes: number };
  readonly durationSeconds: number;
  readonly loudness: LoudnessReport;
  /** The quality analysis of the new audio (null: not measured). */
  readonly analysis: AudioAnalysis | null;
  readonly peaksKey: string;
  readonly playerPeaksKey: string;
  readonly enclosureKey: string;
}

const UNIQUE_VIOLATION = '23505';

export class EpisodeVersionsRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<EpisodeVersion | undefined> {
    const row = await rowById(this.db, 'episode_versions', id);
    return row && toVersion(row);
  }

  /** Newest first. */
  async listByEpisode(episodeId: string): Promise<EpisodeVersion[]> {
    const rows = await this.db
      .selectFrom('episode_versions')
      .selectAll()
      .where('episode_id', '=', episodeId)
      .orderBy('number', 'desc')
      .execute();
    return rows.map(toVersion);
  }

  /** Corrections left `processing` since before `olderThan` (a lost job): the reconciler queues them again. */
  async listStuck(olderThan: Date): Promise<EpisodeVersion[]> {
    const rows = await this.db
      .selectFrom('episode_versions')
      .selectAll()
      .where('state', '=', 'processing')
      .where('created_at', '<', olderThan)
      .execute();
    return rows.map(toVersion);
  }

  /**
   * Records a correction as the next version, `processing`; the first one also
   * records version 1 (the audio as it is now). Under the episode's row lock: the
   * episode must have audio, and no other correction may be in progress.
   */
  async createCorrection(c: NewCorrection): Promise<EpisodeVersion> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const episode = await selectEpisodeForUpdate(trx, c.episodeId, [
          'state',
          'duration_seconds',
          'loudness',
          'created_at',
          'original_key',
          'original_name',
        ]).executeTakeFirstOrThrow();
        if (!PLAYABLE_STATES.includes(episode.state) || episode.duration_seconds === null) {
          throw new VersionConflictError(
            'not-processed',
            `The episode is "${episode.state}": only processed audio can be corrected.`,
          );
        }
        const latest = await trx
          .selectFrom('episode_versions')
          .select(['number', 'state'])
          .where('episode_id', '=', c.episodeId)
          .orderBy('number', 'desc')
          .execute();
        if (latest.some((v) => v.state === 'processing')) throw pendingError();
        if (latest.length === 0) {
          const mp3 = await trx
            .selectFrom('renditions')
            .select('storage_key')
            .where('episode_id', '=', c.episodeId)
            .where('mime_type', '=', 'audio/mpeg')
            .executeTakeFirst();
          await trx
            .insertInto('episode_versions')
            .values({
              id: newId(),
              episode_id: c.episodeId,
              number: 1,
              kind: 'original',
              state: 'live',
              source_key: episode.original_key,
              source_name: episode.original_name,
              created_at: episode.created_at,
              completed_at: episode.created_at,
              duration_seconds: episode.duration_seconds,
              loudness: episode.loudness ? JSON.stringify(episode.loudness) : null,
              enclosure_key: mp3?.storage_key ?? null,
            })
            .execute();
        }
        const row = await trx
          .insertInto('episode_versions')
          .values({
            id: newId(),
            episode_id: c.episodeId,
            number: (latest[0]?.number ?? 1) + 1,
            kind: c.kind,
            state: 'processing',
            reason: c.reason,
            note: c.note,
            cuts: c.cuts ? JSON.stringify(c.cuts) : null,
            source_key: c.sourceKey,
            source_name: c.sourceName,
            created_by_id: c.createdBy.id,
            created_by_name: c.createdBy.name,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toVersion(row);
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw pendingError();
      throw error;
    }
  }

  /** The correction failed: the previous version stays live. False if it was not in progress. */
  async fail(id: string, reason: string): Promise<boolean> {
    const rows = await this.db
      .updateTable('episode_versions')
      .set({ state: 'failed', failure_reason: reason, completed_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('state', '=', 'processing')
      .execute();
    return rows.some((r) => Number(r.numUpdatedRows) > 0);
  }

  /** The correction is live everywhere: feed rebuilt, old files removed, clips followed. */
  async complete(id: string): Promise<void> {
    await this.db
      .updateTable('episode_versions')
      .set({ completed_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Swaps the correction in, in one transaction: the episode's renditions, master,
   * duration, loudness, peaks and public notes, the version live and the one before
   * superseded (its `completed_at` is set by `complete`, once the rest is done). Returns the keys of the files no longer in use (to remove once
   * the feed lists the new ones), or null when the version is no longer in
   * progress. Throws VersionConflictError when the episode has no audio any more.
   */
  async goLive(episode: Pick<Episode, 'id'>, live: GoLive): Promise<string[] | null> {
    return this.db.transaction().execute(async (trx) => {
      const version = await trx
        .selectFrom('episode_versions')
        .select(['state', 'note'])
        .where('id', '=', live.versionId)
        .forUpdate()
        .executeTakeFirst();
      if (version?.state !== 'processing') return null;
      const before = await selectEpisodeForUpdate(trx, episode.id, [
        'state',
        'peaks_key',
        'player_peaks_key',
        'correction_notes',
      ]).executeTakeFirstOrThrow();
      if (!PLAYABLE_STATES.includes(before.state)) {
        throw new VersionConflictError(
          'not-processed',
          `The episode went to "${before.state}" while the correction was made.`,
        );
      }
      const oldRenditions = await trx
        .deleteFrom('renditions')
        .where('episode_id', '=', episode.id)
        .returning('storage_key')
        .execute();
      if (live.renditions.length) {
        await trx.insertInto('renditions').values(live.renditions.map(renditionRow)).execute();
      }
      const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
      const at = new Date(rows[0]!.now);
      const notes: CorrectionNote[] = before.correction_notes
        ? (JSON.parse(before.correction_notes) as CorrectionNote[])
        : [];
      if (version.note) notes.push({ at: at.toISOString(), note: version.note });
      await trx
        .updateTable('episodes')
        .set({
          original_key: live.master.key,
          original_name: live.master.name,
          original_bytes: live.master.bytes,
          duration_seconds: live.durationSeconds,
          loudness: JSON.stringify(live.loudness),
          audio_analysis: live.analysis ? JSON.stringify(live.analysis) : null,
          peaks_key: live.peaksKey,
          player_peaks_key: live.playerPeaksKey,
          correction_notes: JSON.stringify(notes),
          ...updatedAtNow,
        })
        .where('id', '=', episode.id)
        .execute();
      await trx
        .updateTable('episode_versions')
        .set({ state: 'superseded' })
        .where('episode_id', '=', episode.id)
        .where('state', '=', 'live')
        .execute();
      await trx
        .updateTable('episode_versions')
        .set({
          state: 'live',
          duration_seconds: live.durationSeconds,
          loudness: JSON.stringify(live.loudness),
          enclosure_key: live.enclosureKey,
        })
        .where('id', '=', live.versionId)
        .execute();
      const inUse = new Set([
        ...live.renditions.map((r) => r.storageKey),
        live.peaksKey,
        live.playerPeaksKey,
      ]);
      return [
        ...oldRenditions.map((r) => r.storage_key),
        before.peaks_key,
        before.player_peaks_key,
      ].filter((key): key is string => key !== null && !inUse.has(key));
    });
  }
}

function pendingError(): VersionConflictError {
  return new VersionConflictError(
    'correction-pending',
    'A correction of this episode is already being made: wait for it to finish (or fail).',
  );
}

function toVersion(row: Selectable<EpisodeVersionsTable>): EpisodeVersion {
  return {
    id: row.id,
    episodeId: row.episode_id,
    number: row.number,
    kind: row.kind,
    state: row.state,
    reason: row.reason,
    note: row.note,
    cuts: row.cuts ? (JSON.parse(row.cuts) as Cut[]) : null,
    sourceKey: row.source_key,
    sourceName: row.source_name,
    createdBy:
      row.created_by_id && row.created_by_name
        ? { id: row.created_by_id, name: row.created_by_name }
        : null,
    createdAt: new Date(row.created_at),
    completedAt: row.completed_at ? new Date(row.completed_at) : null,
    durationSeconds: row.duration_seconds,
    loudness: row.loudness ? (JSON.parse(row.loudness) as unknown) : null,
    enclosureKey: row.enclosure_key,
    failureReason: row.failure_reason,
  };
}
