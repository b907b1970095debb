import { UnrecoverableError, type Job } from 'bullmq';
import { revisionOf, type ProcessAudioPayload } from '../../src/core/jobs.js';
import type { Logger } from '../../src/core/logger.js';
import type { EpisodesRepository } from '../../src/db/repositories/episodes.repo.js';
import type { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import { probe, ProbeError } from '../../src/media/ffprobe.js';
import type { Episode, Show } from '../../src/core/domain.js';
import type { ProbeResult } from '../../src/core/media-types.js';
import {
  processMaster,
  type PipelineResult,
  type PipelineRuntime,
} from '../../src/media/pipeline.js';
import { assertProbedAudio, probeFailure } from '../../src/media/validate-input.js';
import {
  settingsFor,
  tagsFor,
  UnknownProfileError,
  type RenditionService,
} from '../../src/services/renditions.js';
import type { BlobStorage } from '../../src/storage/blob-storage.js';
import * as mediaJob from '../media-job.js';
import { analysisOptions } from '../../src/core/quality.js';
import type { EncodeBalance } from '../../src/media/encode-balance.js';

export interface ProcessAudioDeps {
  readonly shows: ShowsRepository;
  readonly episodes: EpisodesRepository;
  readonly renditionService: RenditionService;
  readonly storage: BlobStorage;
  readonly logger: Logger;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly ffmpegTimeoutMs: number;
  readonly maxAudioDurationSeconds: number;
  /** Per-job temp dirs go here. */
  readonly jobsTmpDir: string;
  /** ffmpeg processes per job (default 2: one per core). */
  readonly encodeParallelism?: number | undefined;
  /** What this worker learned of its encode processes' times (src/media/encode-balance.ts). */
  readonly encodeBalance?: EncodeBalance | undefined;
  /** Ladder for shows without their own (profile names, MP3 first). */
  readonly defaultLadder?: readonly string[] | undefined;
}

/**
 * probe → measure → encode the ladder → record (RenditionService) → ready.
 * Bad input fails the episode at once (no retry); other errors retry, and the
 * last attempt fails it. A job for an older revision (the editor asked to
 * reprocess since) stops.
 */
export function makeProcessAudio(deps: ProcessAudioDeps): mediaJob.Processor<ProcessAudioPayload> {
  return async function processAudio(job, token, signal) {
    const { episodeId } = job.data;
    const log = mediaJob.jobLogger(deps.logger, job, { episodeId });

    const episode = await deps.episodes.findById(episodeId);
    if (!episode) {
      log.info('episode deleted before processing: nothing to do');
      return { state: 'deleted' };
    }
    const revision = revisionOf(job.id) ?? episode.processingRevision;
    const superseded = async () =>
      revision < ((await deps.episodes.findById(episodeId))?.processingRevision ?? revision);
    if (await superseded()) {
      log.info({ revision }, 'a newer processing request exists: this job stops');
      return { state: 'superseded' };
    }
    if (
      episode.state !== 'uploaded' &&
      episode.state !== 'processing' &&
      episode.state !== 'failed'
    ) {
      log.info({ state: episode.state }, 'episode already processed: duplicate job ignored');
      return { state: episode.state };
    }
    const show = await deps.shows.findById(episode.showId);
    if (!show) return { state: 'deleted' };

    await deps.episodes.transition(episodeId, 'processing', { progress: 0, failureReason: null });
    const reportProgress = progressReporter(job, deps.episodes, episodeId);

    return mediaJob.settle(
      {
        job,
        token,
        signal,
        log,
        what: 'job',
        fail: (reason) => deps.episodes.transition(episodeId, 'failed', { failureReason: reason }),
        failedBecause: (summary) =>
          `Processing failed after ${job.attemptsMade + 1} attempt(s): ${summary}`,
      },
      async () => {
        const settings = ladderSettings(() => settingsFor(episode, show, deps.defaultLadder));
        const result = await mediaJob.withStoredFileInTempDir(
          deps,
          'job',
          episode.original.key,
          async (input, dir) => {
            const inputProbe = await probe(input, { ffprobePath: deps.ffprobePath }).catch(
              (error: unknown) => {
                if (!(error instanceof ProbeError)) throw error;
                const refusal = probeFailure(error.stderr);
                if (!refusal) throw error;
                log.warn({ stderr: error.stderr }, 'ffprobe could not read the upload');
                throw refusal;
              },
            );
            log.info(
              { probe: inputProbe, ladder: settings.ladder.map((p) => p.name) },
              'input probed',
            );
            assertProbedAudio(inputProbe);

            const processed = await encodeEpisode(
              deps,
              { input, probe: inputProbe, dir, episode, show, settings },
              {
                ffmpegPath: deps.ffmpegPath,
                timeoutMs: deps.ffmpegTimeoutMs,
                signal,
                logger: log,
                onProgress: (p) => reportProgress(p * 0.97),
              },
            );
            if (await superseded()) return null;
            return deps.renditionService.record(episodeId, processed, dir, log);
          },
        );
        if (!result) {
          log.info({ revision }, 'superseded while running: results dropped');
          return { state: 'superseded' };
        }
        await deps.episodes.transition(episodeId, 'ready', {
          progress: 100,
          durationSeconds: result.durationSeconds,
        });
        await job.updateProgress(100);
        log.info({ durationSeconds: result.durationSeconds }, 'episode ready');
        return { state: 'ready' };
      },
    );
  };
}

/**
 * The ladder of an episode's show made from `input` (an upload, or a correction's
 * master), with the show's artwork in the files' tags and the quality analysis of
 * `input`: the encode step of processing and of corrections alike.
 */
export async function encodeEpisode(
  deps: Pick<
    ProcessAudioDeps,
    | 'renditionService'
    | 'storage'
    | 'maxAudioDurationSeconds'
    | 'encodeParallelism'
    | 'encodeBalance'
  >,
  job: {
    readonly input: string;
    readonly probe: ProbeResult;
    readonly dir: string;
    readonly episode: Episode;
    readonly show: Show;
    /** The show's ladder and loudness target (ladderSettings). */
    readonly settings: ReturnType<typeof settingsFor>;
  },
  runtime: PipelineRuntime,
): Promise<PipelineResult> {
  const { input, probe: probed, dir, episode, show } = job;
  const { ladder, target } = job.settings;
  const artworkKey = await deps.renditionService.findArtwork(show);
  const encode = (artworkFile: string | undefined) =>
    processMaster(
      {
        input,
        // The stream's own length first: a container's can include video or padding.
        declaredDurationSeconds: probed.audio?.durationSeconds ?? probed.durationSeconds,
        maxDurationSeconds: deps.maxAudioDurationSeconds,
        dir,
        ladder,
        target,
        tags: tagsFor(episode, show),
        chapters: episode.chapters?.chapters,
        artworkFile,
        parallelism: deps.encodeParallelism ?? 2,
        analysis: analysisOptions(show.quality, probed.audio?.channels ?? 1),
        balance: deps.encodeBalance,
      },
      runtime,
    );
  return artworkKey ? deps.storage.withLocalCopy(artworkKey, encode) : encode(undefined);
}

/** An unknown profile will not be known at the next attempt either (corrections too). */
export function ladderSettings<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownProfileError) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/** Progress to BullMQ (for live listeners) and the row (for polling), at most every 500 ms. */
function progressReporter(job: Job, episodes: EpisodesRepository, episodeId: string) {
  let last = 0;
  let lastValue = -1;
  return (percent: number) => {
    const value = Math.floor(percent);
    const now = Date.now();
    if (value === lastValue || now - last < 500) return;
    last = now;
    lastValue = value;
    void job.updateProgress(value).catch(() => undefined);
    void episodes.setProgress(episodeId, value).catch(() => undefined);
  };
}
