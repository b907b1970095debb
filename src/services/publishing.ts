/**
 * Publishing use cases: publish now, schedule, unpublish, metadata edits and
 * the files that go with an episode or a show (transcript, chapters, artwork).
 * Every change re-renders the show's feeds before it returns.
 */
import { createHash } from 'node:crypto';
import { checkArtwork } from '../core/artwork.js';
import type { Episode, Show, TopicFeed } from '../core/domain.js';
import { IllegalTransitionError, publicationTarget } from '../core/episode-state.js';
import type { QualityOverride, QualityReport } from '../core/quality.js';
import type { RenditionsRepository } from '../db/repositories/renditions.repo.js';
import type { QualityService } from './quality.js';
import { AppError, notFound, validationFailed } from '../core/errors.js';
import { chaptersSchema } from '../core/chapters.js';
import type { EpisodePatch, ShowPatch, TopicFeedInput } from '../core/feed-schemas.js';
import { newShowId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { appleCategoryProblem } from '../core/apple-categories.js';
import { fieldErrors } from '../core/schemas.js';
import { storageKeys } from '../core/storage-keys.js';
import { publicUrls } from '../core/urls.js';
import { checkTranscript, TRANSCRIPT_TYPES } from '../core/transcripts.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import type { FeedsRepository } from '../db/repositories/feeds.repo.js';
import type { PublishingRepository } from '../db/repositories/publishing.repo.js';
import type { ShowsRepository } from '../db/repositories/shows.repo.js';
import { QueueUnavailableError, type JobProducer } from '../queue/producer.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { FeedPublishingService } from './feed-publishing.js';
import { podcastGuidFor } from './shows.js';

export interface PublishingDeps {
  readonly episodes: EpisodesRepository;
  readonly shows: ShowsRepository;
  readonly publishing: PublishingRepository;
  readonly feeds: FeedsRepository;
  readonly producer: JobProducer;
  readonly storage: BlobStorage;
  readonly logger: Logger;
  readonly publicUrl: string;
  /** Re-renders the show's feeds; resolves once the new bytes are served. */
  readonly feedPublishing: Pick<FeedPublishingService, 'rebuildShow'>;
  /** The publication gate: the report of the episode as it is when the editor acts. */
  readonly quality: Pick<QualityService, 'report'>;
  readonly renditions: Pick<RenditionsRepository, 'listByEpisode'>;
  readonly now?: () => Date;
}

/** Who publishes, and their reason when blocking findings are overridden. */
export interface PublishRequest {
  readonly by: QualityOverride['by'];
  readonly override?: { readonly reason: string } | undefined;
}

const DUE_TOLERANCE_MS = 2_000;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export class PublishingService {
  private readonly now: () => Date;

  constructor(private readonly deps: PublishingDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private async episode(id: string): Promise<Episode> {
    const episode = await this.deps.episodes.findById(id);
    if (!episode) throw notFound('Episode', `No episode has the id "${id}".`);
    return episode;
  }

  private async show(slug: string): Promise<Show> {
    const show = await this.deps.shows.findBySlug(slug);
    if (!show) throw notFound('Show', `No show has the slug "${slug}".`);
    return show;
  }

  private conflict(episode: Episode, error: IllegalTransitionError): AppError {
    const reason =
      episode.state === 'uploaded' || episode.state === 'processing'
        ? 'its audio is still being processed; try again when it is ready'
        : episode.state === 'failed'
          ? 'its processing failed; upload the audio again'
          : `it is ${episode.state}`;
    return new AppError(
      409,
      'conflict',
      'The episode cannot change this way now',
      `Episode ${episode.id} cannot become ${error.to}: ${reason}.`,
    );
  }

  /**
   * Publishes now, or schedules when `at` is in the future (a delayed job publishes it).
   * The gate: with a blocking finding in the quality report, 409 with the report, unless
   * the request overrides it with a reason, which is recorded (who, when, why, over what).
   * A schedule is checked when it is made; the delayed job publishes what was scheduled
   * (docs/quality.md).
   */
  async publish(id: string, at: Date | undefined, request: PublishRequest): Promise<Episode> {
    const episode = await this.episode(id);
    const scheduled = at !== undefined && at.getTime() > this.now().getTime();
    // A move the state forbids answers its own 409 below, whatever the report says.
    const allowed = publicationTarget(episode.state, scheduled ? 'schedule' : 'publish') !== null;
    const override = allowed ? await this.gate(episode, request) : null;
    let updated: Episode;
    try {
      updated = await this.deps.publishing.applyAction(
        id,
        scheduled ? 'schedule' : 'publish',
        scheduled ? at : null,
      );
    } catch (error) {
      if (error instanceof IllegalTransitionError) throw this.conflict(episode, error);
      throw error;
    }
    if (override) {
      await this.deps.episodes.addQualityOverride(id, override);
      updated = await this.episode(id);
    }
    if (scheduled) await this.enqueuePublication(id, at);
    await this.deps.feedPublishing.rebuildShow(updated.showId);
    this.deps.logger.info(
      { episodeId: id, state: updated.state, at: at?.toISOString(), override },
      scheduled ? 'episode scheduled' : 'episode published',
    );
    return updated;
  }

  /** Refuses a publication with blocking findings, or returns the override to record. */
  private async gate(episode: Episode, request: PublishRequest): Promise<QualityOverride | null> {
    const show = await this.deps.shows.findById(episode.showId);
    if (!show) throw notFound('Show');
    const renditions = await this.deps.renditions.listByEpisode(episode.id);
    const report = await this.deps.quality.report(episode, show, renditions);
    if (!report.blocking) return null;
    if (!request.override) throw qualityGateProblem(episode.id, report);
    return {
      reason: request.override.reason,
      by: request.by,
      at: this.now().toISOString(),
      findings: [
        ...new Set(report.findings.filter((f) => f.severity === 'blocking').map((f) => f.code)),
      ],
    };
  }

  async unpublish(id: string): Promise<Episode> {
    const episode = await this.episode(id);
    let updated: Episode;
    try {
      updated = await this.deps.publishing.applyAction(id, 'unpublish', null);
    } catch (error) {
      if (error instanceof IllegalTransitionError) throw this.conflict(episode, error);
      throw error;
    }
    // A pending delayed job finds the episode no longer scheduled and does nothing.
    await this.deps.feedPublishing.rebuildShow(updated.showId);
    this.deps.logger.info({ episodeId: id }, 'episode unpublished');
    return updated;
  }

  private async enqueuePublication(id: string, at: Date): Promise<void> {
    try {
      await this.deps.producer.enqueue(
        'publish-episode',
        { episodeId: id, at: at.getTime() },
        at.getTime(),
        { delayMs: at.getTime() - Date.now() },
      );
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      // The row says `scheduled`: the worker's recovery enqueues it when Redis is back.
      this.deps.logger.error(
        { err: error, episodeId: id },
        'episode scheduled but not queued: Redis unavailable',
      );
    }
  }

  /** The delayed job: publishes if still scheduled and due. */
  async publishDue(id: string): Promise<Episode | null> {
    // A delayed job may fire a moment early (clocks of Redis and of this host).
    const due = new Date(this.now().getTime() + DUE_TOLERANCE_MS);
    const published = await this.deps.publishing.publishIfDue(id, due);
    if (published) {
      await this.deps.feedPublishing.rebuildShow(published.showId);
      this.deps.logger.info({ episodeId: id }, 'scheduled episode published');
    }
    return published;
  }

  /**
   * At worker start (and now and then): every `scheduled` row gets its delayed
   * job again (same job id: no double), and a time already past publishes at once.
   */
  async recoverScheduled(): Promise<{ published: number; requeued: number }> {
    let published = 0;
    let requeued = 0;
    for (const row of await this.deps.publishing.listScheduled()) {
      if (row.scheduledAt.getTime() <= this.now().getTime()) {
        if (await this.publishDue(row.id)) published++;
      } else {
        await this.enqueuePublication(row.id, row.scheduledAt);
        requeued++;
      }
    }
    return { published, requeued };
  }

  /** Edits an episode's article or item fields; its guid never changes. */
  async patch(id: string, patch: Partial<EpisodePatch>): Promise<Episode> {
    await this.episode(id);
    const updated = await this.deps.publishing.patchEpisode(id, patch);
    await this.deps.feedPublishing.rebuildShow(updated.showId);
    return updated;
  }

  async setTranscript(id: string, bytes: Buffer): Promise<Episode> {
    const episode = await this.episode(id);
    const check = checkTranscript(bytes);
    if (!check.ok) throw validationFailed([{ field: 'transcript', message: check.problem }]);
    const key = storageKeys.transcript(id, sha256(bytes), check.format);
    await this.deps.storage.putBytes(key, Buffer.from(check.text, 'utf8'));
    const replaced = await this.deps.publishing.setTranscript(id, {
      key,
      type: TRANSCRIPT_TYPES[check.format],
    });
    if (replaced) await this.deps.storage.delete(replaced);
    await this.deps.feedPublishing.rebuildShow(episode.showId);
    return this.episode(id);
  }

  async setChapters(id: string, body: unknown): Promise<Episode> {
    const episode = await this.episode(id);
    const parsed = chaptersSchema.safeParse(body);
    if (!parsed.success) throw validationFailed(fieldErrors(parsed.error));
    const bytes = Buffer.from(JSON.stringify(parsed.data), 'utf8');
    const key = storageKeys.chapters(id, sha256(bytes));
    await this.deps.storage.putBytes(key, bytes);
    const replaced = await this.deps.publishing.setChapters(id, key, parsed.data);
    if (replaced) await this.deps.storage.delete(replaced);
    await this.deps.feedPublishing.rebuildShow(episode.showId);
    return this.episode(id);
  }

  async setArtwork(slug: string, bytes: Buffer): Promise<Show> {
    const show = await this.show(slug);
    const check = checkArtwork(bytes);
    if (!check.ok) throw validationFailed([{ field: 'artwork', message: check.problem }]);
    const key = storageKeys.showArtworkUpload(show.id, sha256(bytes), check.type);
    await this.deps.storage.putBytes(key, bytes);
    const replaced = await this.deps.publishing.setArtwork(show.id, key);
    if (replaced) await this.deps.storage.delete(replaced);
    await this.deps.feedPublishing.rebuildShow(show.id);
    return this.show(slug);
  }

  async patchShow(slug: string, patch: ShowPatch): Promise<Show> {
    const show = await this.show(slug);
    const category = patch.category ?? show.category;
    const subcategory = patch.subcategory !== undefined ? patch.subcategory : show.subcategory;
    const problem = appleCategoryProblem(category, subcategory);
    if (problem) throw validationFailed([problem]);
    if (patch.description !== undefined && Buffer.byteLength(patch.description, 'utf8') > 4000) {
      throw validationFailed([{ field: 'description', message: 'must be at most 4000 bytes' }]);
    }
    const updated = await this.deps.publishing.patchShow(show.id, patch);
    await this.deps.feedPublishing.rebuildShow(show.id);
    return updated;
  }

  async createTopic(slug: string, input: TopicFeedInput): Promise<TopicFeed> {
    const show = await this.show(slug);
    const existing = await this.deps.feeds.listTopics(show.id);
    if (existing.some((t) => t.slug === input.slug)) {
      throw new AppError(409, 'conflict', 'A topic feed with this slug exists', undefined, [
        { field: 'slug', message: 'is already used by another topic feed of this show' },
      ]);
    }
    const topic = await this.deps.feeds.insertTopic({
      id: newShowId(),
      showId: show.id,
      slug: input.slug,
      title: input.title,
      category: input.category,
      description: input.description,
      // Set once from its first URL, like the show's.
      podcastGuid: podcastGuidFor(publicUrls(this.deps.publicUrl).feed(show.slug, input.slug)),
    });
    await this.deps.feedPublishing.rebuildShow(show.id);
    return topic;
  }

  async listTopics(slug: string): Promise<{ show: Show; topics: TopicFeed[] }> {
    const show = await this.show(slug);
    return { show, topics: await this.deps.feeds.listTopics(show.id) };
  }

  async deleteTopic(slug: string, topicSlug: string): Promise<void> {
    const show = await this.show(slug);
    if (!(await this.deps.feeds.deleteTopic(show.id, topicSlug))) {
      throw notFound('Topic feed', `The show has no topic feed "${topicSlug}".`);
    }
    await this.deps.feedPublishing.rebuildShow(show.id);
  }
}

/** 409 with the report: what blocks, and how to go ahead anyway. */
export function qualityGateProblem(id: string, report: QualityReport): AppError {
  const blocking = report.findings.filter((f) => f.severity === 'blocking');
  return new AppError(
    409,
    'quality-gate',
    'The quality report has blocking findings',
    `Episode ${id} was not published: ${blocking.map((f) => f.message).join(' ')} To publish it anyway, send {"override": {"reason": "…"}} with the request; the reason is recorded.`,
    undefined,
    { report },
  );
}
