import { sql } from 'kysely';
import type { Chapters } from '../../core/chapters.js';
import type { CorrectionNote } from '../../core/corrections.js';
import type { Episode, ProcessingOptions } from '../../core/domain.js';
import type { LoudnessReport } from '../../core/media-types.js';
import type { AudioAnalysis, QualityOverride } from '../../core/quality.js';
import type { EpisodeState } from '../../core/episode-state.js';
import type { Db } from '../connect.js';
import type { EpisodeRow, NewEpisodeRow } from '../schema.js';
import {
  recordDerivedPlayerPeaks,
  replacedKeys,
  selectEpisodeForUpdate,
  transitionEpisodeRow,
  type PeakKeys,
} from './row-locks.js';
import { insertRow, rowById } from './rows.js';

export type NewEpisode = Omit<
  Episode,
  | 'createdAt'
  | 'updatedAt'
  | 'progress'
  | 'failureReason'
  | 'processingRevision'
  | 'durationSeconds'
  | 'peaksKey'
  | 'playerPeaksKey'
  | 'feed'
  | 'loudness'
  | 'processingOptions'
  | 'correctionNotes'
  | 'audioAnalysis'
  | 'qualityOverrides'
>;

export class EpisodesRepository {
  constructor(private readonly db: Db) {}

  async insert(episode: NewEpisode): Promise<Episode> {
    const a = episode.article;
    const row: NewEpisodeRow = {
      id: episode.id,
      show_id: episode.showId,
      guid: episode.guid,
      state: episode.state,
      failure_reason: null,
      title: a.title,
      summary: a.summary,
      article_url: a.url,
      author: a.author,
      published_at: a.publishedAt,
      categories: JSON.stringify(a.categories),
      image_url: a.imageUrl,
      source: a.source,
      copyright: a.copyright,
      language: a.language,
      interviewees: JSON.stringify(episode.interviewees),
      original_key: episode.original.key,
      original_name: episode.original.name,
      original_bytes: episode.original.bytes,
      duration_seconds: null,
      chapters: episode.chapters ? JSON.stringify(episode.chapters) : null,
    };
    const inserted = await insertRow(this.db, 'episodes', row);
    return toEpisode(inserted);
  }

  async findById(id: string): Promise<Episode | undefined> {
    const row = await rowById(this.db, 'episodes', id);
    return row && toEpisode(row);
  }

  /** Episodes of a show in the given states, newest article first. */
  async listByShow(showId: string, states: readonly EpisodeState[]): Promise<Episode[]> {
    if (states.length === 0) return [];
    const rows = await this.db
      .selectFrom('episodes')
      .selectAll()
      .where('show_id', '=', showId)
      .where('state', 'in', states)
      .orderBy('published_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toEpisode);
  }

  /**
   * One page of a show's episodes, newest article first, after `cursor` (the last
   * row of the previous page): keyset pagination, one query whatever the page.
   */
  async pageByShow(
    showId: string,
    page: { limit: number; after?: { publishedAt: Date; id: string } | undefined },
  ): Promise<Episode[]> {
    let query = this.db
      .selectFrom('episodes')
      .selectAll()
      .where('show_id', '=', showId)
      .orderBy('published_at', 'desc')
      .orderBy('id')
      .limit(page.limit);
    const after = page.after;
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('published_at', '<', after.publishedAt),
          eb.and([eb('published_at', '=', after.publishedAt), eb('id', '>', after.id)]),
        ]),
      );
    }
    return (await query.execute()).map(toEpisode);
  }

  /** Rows a lost job may have left behind: the reconciler re-enqueues them. */
  async listStuck(olderThan: Date): Promise<Episode[]> {
    const rows = await this.db
      .selectFrom('episodes')
      .selectAll()
      .where('state', 'in', ['uploaded', 'processing'])
      .where('updated_at', '<', olderThan)
      .execute();
    return rows.map(toEpisode);
  }

  /**
   * Moves the episode to `to`, checking the transition against the row as it is
   * now (row lock), so two workers cannot both win. Returns the updated episode.
   */
  async transition(
    id: string,
    to: EpisodeState,
    fields: { failureReason?: string | null; progress?: number; durationSeconds?: number } = {},
  ): Promise<Episode> {
    const row = await transitionEpisodeRow(this.db, id, to, {
      ...(fields.failureReason !== undefined ? { failure_reason: fields.failureReason } : {}),
      ...(fields.progress !== undefined ? { progress: fields.progress } : {}),
      ...(fields.durationSeconds !== undefined ? { duration_seconds: fields.durationSeconds } : {}),
    });
    return toEpisode(row);
  }

  /** Records both peak sets (full and player); returns the keys they replaced, to delete. */
  async setPeaks(id: string, keys: PeakKeys): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const before = await selectEpisodeForUpdate(trx, id, [
        'peaks_key',
        'player_peaks_key',
      ]).executeTakeFirstOrThrow();
      await trx
        .updateTable('episodes')
        .set({ peaks_key: keys.peaksKey, player_peaks_key: keys.playerPeaksKey })
        .where('id', '=', id)
        .execute();
      return replacedKeys([before.peaks_key, before.player_peaks_key], keys);
    });
  }

  /**
   * Records a player set derived from the full set `fromPeaksKey`, unless the
   * episode has another full set by now or already a player set. Returns the
   * player key the episode has afterwards.
   */
  async recordPlayerPeaks(id: string, fromPeaksKey: string, key: string): Promise<string | null> {
    return recordDerivedPlayerPeaks(this.db, 'episodes', id, fromPeaksKey, key);
  }

  async setLoudness(id: string, report: LoudnessReport): Promise<void> {
    await this.db
      .updateTable('episodes')
      .set({ loudness: JSON.stringify(report) })
      .where('id', '=', id)
      .execute();
  }

  /** What the worker measured of the original (null: not measured by this run). */
  async setAudioAnalysis(id: string, analysis: AudioAnalysis | null): Promise<void> {
    await this.db
      .updateTable('episodes')
      .set({ audio_analysis: analysis ? JSON.stringify(analysis) : null })
      .where('id', '=', id)
      .execute();
  }

  /** Appends an override to the episode's list, under a row lock (two at once keep both). */
  async addQualityOverride(id: string, override: QualityOverride): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await selectEpisodeForUpdate(trx, id, [
        'quality_overrides',
      ]).executeTakeFirstOrThrow();
      const list = (row.quality_overrides ?? []) as QualityOverride[];
      await trx
        .updateTable('episodes')
        .set({ quality_overrides: JSON.stringify([...list, override]) })
        .where('id', '=', id)
        .execute();
    });
  }

  /**
   * Records a reprocessing request and bumps the revision (part of the job id,
   * so the new job is not mistaken for the finished one). Checks the state
   * machine under a row lock; returns the updated episode.
   */
  async requestReprocessing(
    id: string,
    options: ProcessingOptions,
    chapters: Chapters | undefined,
  ): Promise<Episode> {
    const row = await transitionEpisodeRow(this.db, id, 'processing', {
      progress: 0,
      failure_reason: null,
      processing_revision: sql<number>`processing_revision + 1`,
      processing_options: JSON.stringify(options),
      ...(chapters ? { chapters: JSON.stringify(chapters) } : {}),
    });
    return toEpisode(row);
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.db
      .updateTable('episodes')
      .set({ progress: Math.max(0, Math.min(100, Math.round(progress))) })
      .where('id', '=', id)
      .where('state', '=', 'processing')
      .execute();
  }
}

export function toEpisode(row: EpisodeRow): Episode {
  return {
    id: row.id,
    showId: row.show_id,
    guid: row.guid,
    state: row.state,
    progress: row.progress,
    failureReason: row.failure_reason,
    processingRevision: row.processing_revision,
    article: {
      url: row.article_url,
      title: row.title,
      summary: row.summary,
      author: row.author,
      publishedAt: new Date(row.published_at),
      categories: row.categories,
      imageUrl: row.image_url,
      source: row.source,
      copyright: row.copyright,
      language: row.language,
    },
    interviewees: row.interviewees,
    original: { key: row.original_key, name: row.original_name, bytes: Number(row.original_bytes) },
    durationSeconds: row.duration_seconds,
    peaksKey: row.peaks_key,
    playerPeaksKey: row.player_peaks_key,
    chapters: (row.chapters ?? null) as Chapters | null,
    loudness: (row.loudness ?? null) as LoudnessReport | null,
    processingOptions: row.processing_options ?? null,
    publicationKey: row.publication_key,
    correctionNotes: row.correction_notes
      ? (JSON.parse(row.correction_notes) as CorrectionNote[])
      : [],
    audioAnalysis: (row.audio_analysis ?? null) as AudioAnalysis | null,
    qualityOverrides: (row.quality_overrides ?? []) as QualityOverride[],
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    feed: {
      scheduledAt: row.scheduled_at ? new Date(row.scheduled_at) : null,
      episodeType: row.episode_type,
      season: row.season,
      episodeNumber: row.episode_number,
      explicit: row.explicit,
      location: row.location,
      transcript:
        row.transcript_key && row.transcript_type
          ? { key: row.transcript_key, type: row.transcript_type }
          : null,
      chaptersKey: row.chapters_key,
    },
  };
}
