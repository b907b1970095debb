import fs from 'node:fs/promises';
import path from 'node:path';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { BadMediaError } from '../../src/core/errors.js';
import { newRenditionId } from '../../src/core/ids.js';
import { processAudioPayload, type ProcessAudioPayload } from '../../src/core/jobs.js';
import type { Logger } from '../../src/core/logger.js';
import { MP3_128K_STEREO, type RenditionProfile } from '../../src/core/media-types.js';
import type { Episode, Show } from '../../src/core/domain.js';
import type { EpisodesRepository } from '../../src/db/repositories/episodes.repo.js';
import type { RenditionsRepository } from '../../src/db/repositories/renditions.repo.js';
import type { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import { sha256File } from '../../src/media/checksum.js';
import { FfmpegError, runFfmpeg } from '../../src/media/ffmpeg.js';
import { probe, ProbeError } from '../../src/media/ffprobe.js';
import { peaksFromPcmFile, peaksPcmOutput } from '../../src/media/peaks.js';
import { renditionInvocation, type RenditionTags } from '../../src/media/profiles.js';
import { assertUsableAudio, unreadableReason } from '../../src/media/validate-input.js';
import { storageKeys, type BlobStorage } from '../../src/storage/blob-storage.js';
import { withTempDir } from '../../src/storage/temp.js';

export interface ProcessAudioDeps {
  readonly shows: ShowsRepository;
  readonly episodes: EpisodesRepository;
  readonly renditions: RenditionsRepository;
  readonly storage: BlobStorage;
  readonly logger: Logger;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly ffmpegTimeoutMs: number;
  readonly maxAudioDurationSeconds: number;
  /** Per-job temp dirs go here; on the storage's file system so results are renamed into place. */
  readonly jobsTmpDir: string;
}

/** The reason the runtime aborts a job when it shuts down: the job is handed back, not failed. */
export const SHUTDOWN_REASON = 'worker-shutdown';

const PROFILES: readonly RenditionProfile[] = [MP3_128K_STEREO];

export function tagsFor(episode: Episode, show: Show): RenditionTags {
  return {
    title: episode.article.title,
    artist: episode.article.author ?? show.author,
    album: show.title,
    date: episode.article.publishedAt.toISOString().slice(0, 10),
    comment: episode.article.url,
    copyright: episode.article.copyright ?? show.copyright,
    language: episode.article.language ?? show.language,
  };
}

/**
 * probe → encode each profile → store → record → ready. Bad input fails the
 * episode at once (no retry); other errors retry, and the last attempt fails it.
 */
export function makeProcessAudio(deps: ProcessAudioDeps) {
  return async function processAudio(
    job: Job,
    token?: string,
    signal?: AbortSignal,
  ): Promise<{ state: string }> {
    const parsed = processAudioPayload.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`Invalid job payload: ${parsed.error.message}`);
    const { episodeId }: ProcessAudioPayload = parsed.data;
    const log = deps.logger.child({ episodeId, jobId: job.id, queue: job.queueName });

    const episode = await deps.episodes.findById(episodeId);
    if (!episode) {
      log.info('episode deleted before processing: nothing to do');
      return { state: 'deleted' };
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

    try {
      const durationSeconds = await withTempDir(deps.jobsTmpDir, 'job', (dir) =>
        deps.storage.withLocalFile(episode.original.key, async (input) => {
          const inputProbe = await probe(input, { ffprobePath: deps.ffprobePath }).catch(
            (error: unknown) => {
              if (error instanceof ProbeError)
                throw new BadMediaError(unreadableReason(error.message));
              throw error;
            },
          );
          assertUsableAudio(inputProbe, deps.maxAudioDurationSeconds);
          log.info({ probe: inputProbe }, 'input probed');

          let enclosureDuration = 0;
          for (const [index, profile] of PROFILES.entries()) {
            const output = path.join(dir, `${profile.name}.${profile.extension}`);
            const invocation = renditionInvocation(input, output, profile, tagsFor(episode, show));
            // The first run also writes the PCM for the waveform: one decode for both.
            const pcm = path.join(dir, 'peaks.pcm');
            const outputs =
              index === 0 ? [...invocation.outputs, peaksPcmOutput(pcm)] : invocation.outputs;
            await encode(
              { ...invocation, outputs },
              {
                ffmpegPath: deps.ffmpegPath,
                timeoutMs: deps.ffmpegTimeoutMs,
                signal,
                cwd: dir,
                logger: log,
                inputDurationSeconds: inputProbe.durationSeconds ?? undefined,
                onProgress: (p) => reportProgress(((index + p / 100) / PROFILES.length) * 99),
              },
            );
            const outputProbe = await probe(output, { ffprobePath: deps.ffprobePath });
            const sha256 = await sha256File(output);
            const key = storageKeys.rendition(episodeId, profile.name, sha256, profile.extension);
            const stored = await deps.storage.putFile(key, output);
            const duration = outputProbe.durationSeconds ?? inputProbe.durationSeconds ?? 0;
            const { replacedKey } = await deps.renditions.upsert({
              id: newRenditionId(),
              episodeId,
              profile: profile.name,
              mimeType: profile.mimeType,
              codec: outputProbe.audio?.codec ?? profile.codec,
              bitrateKbps: profile.bitrateKbps,
              sampleRate: outputProbe.audio?.sampleRate ?? profile.sampleRate,
              channels: outputProbe.audio?.channels ?? profile.channels,
              bytes: stored.bytes,
              durationSeconds: duration,
              storageKey: key,
              sha256,
            });
            if (replacedKey) await deps.storage.delete(replacedKey);
            if (index === 0) {
              enclosureDuration = duration;
              await storePeaks(deps, episodeId, pcm, dir);
            }
          }
          return enclosureDuration;
        }),
      );
      await deps.episodes.transition(episodeId, 'ready', { progress: 100, durationSeconds });
      await job.updateProgress(100);
      log.info({ durationSeconds }, 'episode ready');
      return { state: 'ready' };
    } catch (error) {
      if (signal?.aborted && signal.reason === SHUTDOWN_REASON && token) {
        // Hand the job back untouched: another worker (or this one after restart) takes it.
        log.warn('worker shutting down: job handed back to the queue');
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (error instanceof BadMediaError) {
        await deps.episodes.transition(episodeId, 'failed', { failureReason: error.reason });
        log.warn({ reason: error.reason }, 'episode failed: bad input');
        throw new UnrecoverableError(error.reason);
      }
      const message = error instanceof Error ? error.message : String(error);
      if (finalAttempt) {
        await deps.episodes.transition(episodeId, 'failed', {
          failureReason: `Processing failed after ${job.attemptsMade + 1} attempt(s): ${message}`,
        });
      }
      log.error({ err: error, finalAttempt }, 'processing attempt failed');
      throw error;
    }
  };
}

async function storePeaks(
  deps: ProcessAudioDeps,
  episodeId: string,
  pcm: string,
  dir: string,
): Promise<void> {
  const peaks = await peaksFromPcmFile(pcm);
  await fs.rm(pcm, { force: true });
  const file = path.join(dir, 'peaks.json');
  await fs.writeFile(file, JSON.stringify(peaks));
  const key = storageKeys.peaks(episodeId, await sha256File(file));
  await deps.storage.putFile(key, file);
  const replaced = await deps.episodes.setPeaksKey(episodeId, key);
  if (replaced) await deps.storage.delete(replaced);
}

/** ffmpeg failing on the content itself (not on the machine) is bad input: no retry can help. */
async function encode(...args: Parameters<typeof runFfmpeg>): Promise<void> {
  try {
    await runFfmpeg(...args);
  } catch (error) {
    if (
      error instanceof FfmpegError &&
      error.reason === 'failed' &&
      DECODE_FAILURE.test(error.stderrTail)
    ) {
      throw new BadMediaError(
        'The audio could not be decoded: the file is damaged or incomplete. Export it again from the recorder or editor and upload it again.',
      );
    }
    throw error;
  }
}

const DECODE_FAILURE =
  /Invalid data found|could not find codec parameters|Error while decoding|corrupt/i;

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
