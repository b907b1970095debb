import type { Clip, CreateClipInput, PlayerSettings } from '../core/clips.js';
import type { Episode, Show } from '../core/domain.js';
import { AppError, notFound, validationFailed } from '../core/errors.js';
import { newRenditionId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { ClipsRepository } from '../db/repositories/clips.repo.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import type { PlayerSettingsRepository } from '../db/repositories/player-settings.repo.js';
import type { RenditionsRepository } from '../db/repositories/renditions.repo.js';
import type { ShowsRepository } from '../db/repositories/shows.repo.js';
import { QueueUnavailableError, type JobProducer } from '../queue/producer.js';

export interface ClipServiceDeps {
  readonly shows: ShowsRepository;
  readonly episodes: EpisodesRepository;
  readonly renditions: RenditionsRepository;
  readonly clips: ClipsRepository;
  readonly playerSettings: PlayerSettingsRepository;
  readonly producer: JobProducer;
  readonly logger: Logger;
}

/** Editor use cases of the reader side: clips and the per-show player settings. */
export class ClipService {
  constructor(private readonly deps: ClipServiceDeps) {}

  /**
   * Checks the clip against the processed episode (the cut must lie inside the
   * audio), stores it `pending` and queues `make-clip`. If Redis is down, the
   * clip is not kept (nothing to lose: the editor sends it again) and the answer is 503.
   */
  async create(
    episodeId: string,
    input: CreateClipInput,
  ): Promise<{ clip: Clip; episode: Episode }> {
    const { episodes, renditions, clips, producer, logger } = this.deps;
    const episode = await episodes.findById(episodeId);
    if (!episode) throw notFound('Episode', `No episode has the id "${episodeId}".`);
    const hasAudio = (await renditions.listByEpisode(episodeId)).length > 0;
    if (!hasAudio || episode.durationSeconds === null) {
      throw new AppError(
        409,
        'episode-not-processed',
        'The episode is not processed yet',
        `Clips are cut from the processed audio; the episode is "${episode.state}". Try again once it is ready.`,
      );
    }
    const duration = episode.durationSeconds;
    const errors = [];
    if (input.start >= duration)
      errors.push({
        field: 'start',
        message: `must be before the end of the episode (${duration.toFixed(2)} s)`,
      });
    if (input.end > duration + 0.05)
      errors.push({
        field: 'end',
        message: `must be at most the episode's duration (${duration.toFixed(2)} s)`,
      });
    if (errors.length) throw validationFailed(errors);

    const clip = await clips.insert({
      id: newRenditionId(),
      episodeId,
      title: input.title,
      startSeconds: input.start,
      endSeconds: Math.min(input.end, duration),
    });
    try {
      await producer.enqueue('make-clip', { clipId: clip.id });
    } catch (error) {
      await clips.delete(clip.id);
      if (error instanceof QueueUnavailableError) {
        logger.error({ err: error, clipId: clip.id }, 'clip not queued: Redis unavailable');
        throw new AppError(
          503,
          'queue-unavailable',
          'Clips are temporarily unavailable',
          'The job queue is down, so the clip was not created; send it again in a moment.',
        );
      }
      throw error;
    }
    logger.info({ clipId: clip.id, episodeId }, 'clip queued');
    return { clip, episode };
  }

  async get(clipId: string): Promise<Clip> {
    const clip = await this.deps.clips.findById(clipId);
    if (!clip) throw notFound('Clip', `No clip has the id "${clipId}".`);
    return clip;
  }

  async listForEpisode(episodeId: string): Promise<Clip[]> {
    if (!(await this.deps.episodes.findById(episodeId)))
      throw notFound('Episode', `No episode has the id "${episodeId}".`);
    return this.deps.clips.listByEpisode(episodeId);
  }

  async setPlayerSettings(
    slug: string,
    settings: PlayerSettings,
  ): Promise<{ show: Show; settings: PlayerSettings }> {
    const show = await this.deps.shows.findBySlug(slug);
    if (!show) throw notFound('Show', `No show has the slug "${slug}".`);
    return { show, settings: await this.deps.playerSettings.set(show.id, settings) };
  }
}
