/**
 * Corrections of an episode's audio (issue 13): the editor's request (cuts, or a
 * new recording by multipart or resumable upload), checked and recorded as the
 * next version and queued; then, from the worker, the swap that puts the new
 * renditions live at once, the feed rebuilt, the old files removed and the clips
 * moved or flagged. Until the swap the episode keeps serving its current audio;
 * a failed correction leaves it so, with the reason on the version.
 */
import {
  cutProblems,
  formatTime,
  rangeFate,
  type Actor,
  type Cut,
  type EpisodeVersion,
} from '../core/corrections.js';
import type { Episode } from '../core/domain.js';
import { AppError, notFound, validationFailed } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { storageKeys } from '../core/storage-keys.js';
import type { ClipsRepository } from '../db/repositories/clips.repo.js';
import {
  VersionConflictError,
  type EpisodeVersionsRepository,
  type GoLive,
} from '../db/repositories/episode-versions.repo.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import { QueueUnavailableError, type JobProducer } from '../queue/producer.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { safeExtension, type UploadedFile } from './episodes.js';
import type { FeedPublishingService } from './feed-publishing.js';
import type { UploadOwner, UploadService } from './uploads.js';

export interface CorrectionServiceDeps {
  readonly episodes: EpisodesRepository;
  readonly versions: EpisodeVersionsRepository;
  readonly clips: ClipsRepository;
  readonly storage: BlobStorage;
  readonly producer: JobProducer;
  readonly feedPublishing: Pick<FeedPublishingService, 'rebuildShow'>;
  readonly logger: Logger;
}

export interface CorrectionText {
  readonly reason: string;
  readonly note: string;
}

export class CorrectionService {
  constructor(private readonly deps: CorrectionServiceDeps) {}

  private async requireEpisode(id: string): Promise<Episode> {
    const episode = await this.deps.episodes.findById(id);
    if (!episode) throw notFound('Episode', `No episode has the id "${id}".`);
    return episode;
  }

  /** Cuts `cuts` (seconds, checked against the current audio) out of the current master. */
  async requestCuts(
    episodeId: string,
    input: CorrectionText & { cuts: readonly Cut[] },
    actor: Actor,
  ): Promise<EpisodeVersion> {
    const episode = await this.requireEpisode(episodeId);
    if (episode.durationSeconds !== null) {
      const problems = cutProblems(input.cuts, episode.durationSeconds);
      if (problems.length) throw validationFailed(problems);
    }
    const version = await this.record({
      episodeId,
      kind: 'cut',
      reason: input.reason,
      note: input.note,
      cuts: [...input.cuts].sort((a, b) => a.start - b.start),
      sourceKey: null,
      sourceName: null,
      createdBy: actor,
    });
    return this.enqueue(version);
  }

  /** A new recording for the episode (a multipart upload): stored privately, then processed. */
  async requestReplacement(
    episodeId: string,
    input: CorrectionText,
    file: UploadedFile,
    actor: Actor,
  ): Promise<EpisodeVersion> {
    await this.requireEpisode(episodeId);
    if (file.bytes === 0) {
      throw validationFailed([{ field: 'audio', message: 'is empty' }]);
    }
    const key = storageKeys.correctionUpload(episodeId, newId(), safeExtension(file.originalName));
    await this.deps.storage.putFile(key, file.path);
    let version: EpisodeVersion;
    try {
      version = await this.record({
        episodeId,
        kind: 'replacement',
        reason: input.reason,
        note: input.note,
        cuts: null,
        sourceKey: key,
        sourceName: file.originalName,
        createdBy: actor,
      });
    } catch (error) {
      await this.deps.storage.delete(key).catch(() => undefined);
      throw error;
    }
    return this.enqueue(version);
  }

  /** The same, from a finished resumable upload (used once, like one that makes an episode). */
  async requestReplacementFromUpload(
    episodeId: string,
    input: CorrectionText,
    uploads: UploadService,
    uploadId: string,
    owner: UploadOwner,
    actor: Actor,
  ): Promise<EpisodeVersion> {
    return uploads.consume(
      uploadId,
      owner,
      'a correction',
      () => this.requireEpisode(episodeId),
      (file) => this.requestReplacement(episodeId, input, file, actor),
      () => episodeId,
    );
  }

  private async record(c: Parameters<EpisodeVersionsRepository['createCorrection']>[0]) {
    try {
      return await this.deps.versions.createCorrection(c);
    } catch (error) {
      if (error instanceof VersionConflictError) {
        throw new AppError(
          409,
          error.code === 'correction-pending' ? 'correction-pending' : 'episode-not-processed',
          error.code === 'correction-pending'
            ? 'A correction is already in progress'
            : 'The episode has no processed audio to correct',
          error.message,
        );
      }
      throw error;
    }
  }

  /** If Redis is down the version stays `processing` and the reconciler queues it later: 503. */
  private async enqueue(version: EpisodeVersion): Promise<EpisodeVersion> {
    try {
      await this.deps.producer.enqueue('correct-audio', { versionId: version.id }, version.number);
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        throw new AppError(
          503,
          'queue-unavailable',
          'Processing is temporarily unavailable',
          `The correction was saved (version ${version.number}) and will be made when the job queue is back; there is no need to send it again.`,
        );
      }
      throw error;
    }
    this.deps.logger.info(
      { episodeId: version.episodeId, version: version.number, kind: version.kind },
      'correction queued',
    );
    return version;
  }

  /**
   * Every version, newest first. An episode never corrected has no rows: its one
   * version is described from the episode itself.
   */
  async history(episodeId: string): Promise<{ episode: Episode; versions: EpisodeVersion[] }> {
    const episode = await this.requireEpisode(episodeId);
    const versions = await this.deps.versions.listByEpisode(episodeId);
    if (versions.length === 0 && episode.durationSeconds !== null) {
      versions.push({
        id: `${episode.id}-1`,
        episodeId,
        number: 1,
        kind: 'original',
        state: 'live',
        reason: null,
        note: null,
        cuts: null,
        sourceKey: episode.original.key,
        sourceName: episode.original.name,
        createdBy: null,
        createdAt: episode.createdAt,
        completedAt: episode.createdAt,
        durationSeconds: episode.durationSeconds,
        loudness: episode.loudness ?? null,
        enclosureKey: null,
        failureReason: null,
      });
    }
    return { episode, versions };
  }

  /** The worker gave up: the version fails, the live one stays. */
  async fail(version: EpisodeVersion, reason: string): Promise<void> {
    if (await this.deps.versions.fail(version.id, reason)) {
      this.deps.logger.warn(
        { episodeId: version.episodeId, version: version.number, reason },
        'correction failed: the previous version stays live',
      );
    }
  }

  /**
   * Puts a processed correction live (one transaction), rebuilds the feed, then
   * removes the files of the version before: once the feed lists the new URLs
   * nothing links to the old ones, and a correction is made so that the removed
   * audio is heard no more. Clips follow (moved, cut again, or flagged).
   * `staged` are the files just stored: removed if the version cannot go live.
   */
  async goLive(
    version: EpisodeVersion,
    episode: Episode,
    live: GoLive,
    staged: readonly string[],
  ): Promise<'live' | 'dropped'> {
    const { storage, logger } = this.deps;
    let retired: string[] | null;
    try {
      retired = await this.deps.versions.goLive(episode, live);
    } catch (error) {
      await this.removeQuietly(staged);
      if (error instanceof VersionConflictError) {
        await this.fail(version, `The correction could not be put live: ${error.message}`);
        return 'dropped';
      }
      throw error;
    }
    if (retired === null) {
      await this.removeQuietly(staged);
      return 'dropped';
    }
    await this.deps.feedPublishing.rebuildShow(episode.showId);
    for (const key of retired) await storage.delete(key);
    await this.followClips(version, episode);
    await this.deps.versions.complete(version.id);
    logger.info(
      { episodeId: episode.id, version: version.number, removed: retired.length },
      'correction live',
    );
    return 'live';
  }

  /**
   * Clips after a cut: unchanged before it; moved earlier and cut again from the
   * new audio when the cut came before them; flagged (taken down, with a reason)
   * when the cut took part of their range. After a replacement every clip is
   * flagged: its times say nothing about the new recording.
   */
  private async followClips(version: EpisodeVersion, episode: Episode): Promise<void> {
    const { clips, producer, logger } = this.deps;
    const date = new Date().toISOString().slice(0, 10);
    for (const clip of await clips.listByEpisode(episode.id)) {
      const range = { start: clip.startSeconds, end: clip.endSeconds };
      const fate: ReturnType<typeof rangeFate> = version.cuts
        ? rangeFate(range, version.cuts)
        : { kind: 'cut' };
      if (fate.kind === 'unchanged') continue;
      if (fate.kind === 'cut') {
        const why = version.cuts
          ? `The correction of ${date} (version ${version.number}) cut audio within this clip (${formatTime(range.start)}–${formatTime(range.end)}): it is no longer public. Cut a new clip from the corrected audio.`
          : `The correction of ${date} (version ${version.number}) replaced the recording: this clip is no longer public. Cut a new clip from the new audio.`;
        await clips.setState(clip.id, 'failed', why);
        continue;
      }
      await clips.reposition(clip.id, fate.start, fate.end);
      try {
        await producer.enqueue('make-clip', { clipId: clip.id }, version.number);
      } catch (error) {
        logger.error({ err: error, clipId: clip.id }, 'moved clip not queued');
        await clips.setState(
          clip.id,
          'failed',
          'The clip moved with a correction but could not be cut again (job queue unavailable).',
        );
      }
    }
  }

  private async removeQuietly(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.deps.storage.delete(key).catch(() => undefined);
  }
}
