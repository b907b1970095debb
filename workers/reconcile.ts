import type { Queue } from 'bullmq';
import { jobIdFor } from '../src/core/jobs.js';
import type { Logger } from '../src/core/logger.js';
import type { EpisodeVersionsRepository } from '../src/db/repositories/episode-versions.repo.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import type { JobProducer } from '../src/queue/producer.js';

/**
 * The database is the source of truth and Redis only transport: rows left in
 * `uploaded`/`processing` without a live job (Redis lost it, or was down at
 * upload time) are queued again; rows whose job failed for good are marked failed.
 */
export async function reconcile(deps: {
  episodes: EpisodesRepository;
  /** Corrections left `processing` (their job lost) are queued again too. */
  versions?: Pick<EpisodeVersionsRepository, 'listStuck'> | undefined;
  producer: JobProducer;
  audioQueue: Queue;
  logger: Logger;
  /** Only rows untouched for this long: a fresh upload is being queued right now. */
  minAgeMs: number;
}): Promise<{ requeued: number; failed: number }> {
  const stuck = await deps.episodes.listStuck(new Date(Date.now() - deps.minAgeMs));
  let requeued = 0;
  let failed = 0;
  for (const episode of stuck) {
    const jobId = jobIdFor('process-audio', { episodeId: episode.id }, episode.processingRevision);
    const job = await deps.audioQueue.getJob(jobId);
    const state = job ? await job.getState() : 'missing';
    if (state === 'missing' || state === 'unknown') {
      await deps.producer.enqueue(
        'process-audio',
        { episodeId: episode.id },
        episode.processingRevision,
      );
      requeued++;
    } else if (state === 'failed' && episode.state === 'processing') {
      // The job's own message can quote ffmpeg or the file system (server paths): logged, not shown.
      deps.logger.warn(
        { episodeId: episode.id, jobId, failedReason: job?.failedReason },
        'job failed without recording the failure',
      );
      await deps.episodes.transition(episode.id, 'failed', {
        failureReason:
          "Processing failed: the job stopped before it could record why (the details are in the worker's log). Reprocess the episode to try again.",
      });
      failed++;
    }
  }
  for (const version of (await deps.versions?.listStuck(new Date(Date.now() - deps.minAgeMs))) ??
    []) {
    const payload = { versionId: version.id };
    const job = await deps.audioQueue.getJob(jobIdFor('correct-audio', payload, version.number));
    const state = job ? await job.getState() : 'missing';
    if (state === 'missing' || state === 'unknown') {
      await deps.producer.enqueue('correct-audio', payload, version.number);
      requeued++;
    }
  }
  if (requeued || failed) deps.logger.info({ requeued, failed }, 'reconciled stuck episodes');
  return { requeued, failed };
}
