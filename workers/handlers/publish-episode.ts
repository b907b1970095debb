import type { Job } from 'bullmq';
import type { PublishEpisodePayload } from '../../src/core/jobs.js';
import type { PublishingService } from '../../src/services/publishing.js';

export interface PublishEpisodeDeps {
  readonly publishing: Pick<PublishingService, 'publishDue'>;
}

/**
 * The delayed job of a scheduled episode. The row decides: an episode
 * unpublished or moved to a later time since is left alone (a newer job exists).
 */
export function makePublishEpisode(deps: PublishEpisodeDeps) {
  return async (job: Job<PublishEpisodePayload>) => {
    const { episodeId } = job.data;
    const published = await deps.publishing.publishDue(episodeId);
    return { published: published !== null };
  };
}
