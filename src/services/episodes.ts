import fs from 'node:fs/promises';
import path from 'node:path';
import type { Episode, Rendition, Show } from '../core/domain.js';
import { AppError, fieldProblem, notFound } from '../core/errors.js';
import { newEpisodeGuid, newEpisodeId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { canTransition } from '../core/episode-state.js';
import type { EpisodeMetadata, ReprocessInput } from '../core/schemas.js';
import type { EpisodeVersionsRepository } from '../db/repositories/episode-versions.repo.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import type { RenditionsRepository } from '../db/repositories/renditions.repo.js';
import type { ShowsRepository } from '../db/repositories/shows.repo.js';
import { QueueUnavailableError, type JobProducer } from '../queue/producer.js';
import { storageKeys } from '../core/storage-keys.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { PublishingService } from './publishing.js';

export interface UploadedFile {
  /** Where the upload was streamed to; this service moves it into storage. */
  readonly path: string;
  readonly originalName: string;
  readonly bytes: number;
}

/** A file extension safe for a storage key: the content is probed later, never trusted by name. */
export function safeExtension(fileName: string): string {
  const ext = path.extname(fileName).slice(1).toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(ext) ? ext : 'bin';
}

export interface EpisodeServiceDeps {
  readonly shows: ShowsRepository;
  readonly episodes: EpisodesRepository;
  readonly renditions: RenditionsRepository;
  readonly storage: BlobStorage;
  readonly producer: JobProducer;
  readonly logger: Logger;
  /**
   * Chapters came with an upload or a reprocessing request: publish them for the
   * feed and the player too, so that one list serves the files, the feed and the
   * player whichever way it arrived.
   */
  readonly publishing: Pick<PublishingService, 'setChapters'>;
  /** A correction in progress works from the current master: no reprocessing meanwhile. */
  readonly versions?: Pick<EpisodeVersionsRepository, 'listByEpisode'> | undefined;
}

export class EpisodeService {
  constructor(private readonly deps: EpisodeServiceDeps) {}

  /**
   * Upload → storage → row (`uploaded`) → queue. If Redis is down the row stays
   * `uploaded` (the reconciler enqueues it later) and the caller is told 503.
   */
  async createFromUpload(
    showSlug: string,
    metadata: EpisodeMetadata,
    file: UploadedFile,
  ): Promise<Episode> {
    const { shows, episodes, storage, producer, logger } = this.deps;
    const show = await shows.findBySlug(showSlug);
    if (!show) throw notFound('Show', `No show has the slug "${showSlug}".`);
    if (file.bytes === 0) {
      throw fieldProblem(
        'The audio file is empty',
        { field: 'audio', message: 'is empty' },
        'The uploaded file has 0 bytes.',
      );
    }

    const id = newEpisodeId();
    const originalKey = storageKeys.original(id, safeExtension(file.originalName));
    await storage.putFile(originalKey, file.path);
    let episode: Episode;
    try {
      episode = await episodes.insert({
        id,
        showId: show.id,
        guid: newEpisodeGuid(),
        state: 'uploaded',
        article: {
          url: metadata.articleUrl,
          title: metadata.title,
          summary: metadata.summary,
          author: metadata.author,
          publishedAt: metadata.publishedAt ?? new Date(),
          categories: metadata.categories,
          imageUrl: metadata.imageUrl,
          source: metadata.source,
          copyright: metadata.copyright,
          language: metadata.language,
        },
        interviewees: metadata.interviewees,
        chapters: metadata.chapters ?? null,
        original: { key: originalKey, name: file.originalName, bytes: file.bytes },
      });
    } catch (error) {
      await storage.delete(originalKey).catch(() => undefined);
      throw error;
    }

    if (metadata.chapters) await this.deps.publishing.setChapters(id, metadata.chapters);

    try {
      await producer.enqueue('process-audio', { episodeId: id }, episode.processingRevision);
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        logger.error(
          { err: error, episodeId: id },
          'episode stored but not queued: Redis unavailable',
        );
        throw new AppError(
          503,
          'queue-unavailable',
          'Processing is temporarily unavailable',
          `The episode ${id} was saved and will be processed when the job queue is back; there is no need to upload it again.`,
        );
      }
      throw error;
    }
    logger.info(
      { episodeId: id, show: show.slug, bytes: file.bytes },
      'episode uploaded and queued',
    );
    return episode;
  }

  /** Checked before the upload is read, so an unknown show costs no disk. */
  async requireShow(slug: string): Promise<Show> {
    const show = await this.deps.shows.findBySlug(slug);
    if (!show) throw notFound('Show', `No show has the slug "${slug}".`);
    return show;
  }

  /**
   * Processes the kept original again with other settings (ladder, loudness
   * target, chapters): bumps the revision, so a new job runs and its outputs
   * replace the previous ones.
   */
  async reprocess(id: string, input: ReprocessInput): Promise<Episode> {
    const { episodes, producer, logger } = this.deps;
    const current = await episodes.findById(id);
    if (!current) throw notFound('Episode', `No episode has the id "${id}".`);
    if (!canTransition(current.state, 'processing')) {
      throw new AppError(
        409,
        'conflict',
        'The episode cannot be reprocessed now',
        `An episode in state "${current.state}" cannot be reprocessed; unpublish it first.`,
      );
    }
    const versions = (await this.deps.versions?.listByEpisode(id)) ?? [];
    if (versions.some((v) => v.state === 'processing')) {
      throw new AppError(
        409,
        'correction-pending',
        'A correction is in progress',
        'The episode’s audio is being corrected; reprocess it once the correction is done.',
      );
    }
    const { chapters, ...options } = input;
    const episode = await episodes.requestReprocessing(id, options, chapters);
    if (chapters) await this.deps.publishing.setChapters(id, chapters);
    try {
      await producer.enqueue('process-audio', { episodeId: id }, episode.processingRevision);
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        // The row says processing: the reconciler queues it when Redis is back.
        throw new AppError(
          503,
          'queue-unavailable',
          'Processing is temporarily unavailable',
          `The request was saved and episode ${id} will be processed when the job queue is back.`,
        );
      }
      throw error;
    }
    logger.info(
      { episodeId: id, revision: episode.processingRevision, options },
      'reprocessing queued',
    );
    return episode;
  }

  /** A page of a show's episodes with their renditions: a fixed number of queries per page. */
  async pageOfShow(
    slug: string,
    page: { limit: number; after?: { publishedAt: Date; id: string } | undefined },
  ): Promise<{ show: Show; episodes: Episode[]; renditions: Map<string, Rendition[]> }> {
    const show = await this.requireShow(slug);
    const episodes = await this.deps.episodes.pageByShow(show.id, page);
    const renditions = await this.deps.renditions.listByEpisodes(episodes.map((e) => e.id));
    return { show, episodes, renditions };
  }

  async get(id: string): Promise<{ episode: Episode; show: Show; renditions: Rendition[] }> {
    const episode = await this.deps.episodes.findById(id);
    if (!episode) throw notFound('Episode', `No episode has the id "${id}".`);
    const show = await this.deps.shows.findById(episode.showId);
    if (!show) throw notFound('Show');
    const renditions = await this.deps.renditions.listByEpisode(id);
    return { episode, show, renditions };
  }
}

/** Removes a file if it is still there (an upload that was not consumed). */
export async function discardFile(filePath: string): Promise<void> {
  await fs.rm(filePath, { force: true });
}
