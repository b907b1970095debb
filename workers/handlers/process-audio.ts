import fs from 'node:fs/promises';
import path from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Episode, Show } from '../../src/core/domain.js';
import { BadMediaError } from '../../src/core/errors.js';
import { newRenditionId } from '../../src/core/ids.js';
import { processAudioPayload } from '../../src/core/jobs.js';
import type { Logger } from '../../src/core/logger.js';
import {
  DEFAULT_TARGET_STEREO_LUFS,
  DEFAULT_TRUE_PEAK_DBTP,
  MONO_OFFSET_LU,
  RENDITION_PROFILES,
  type RenditionProfile,
} from '../../src/core/media-types.js';
import type { EpisodesRepository } from '../../src/db/repositories/episodes.repo.js';
import type { RenditionsRepository } from '../../src/db/repositories/renditions.repo.js';
import type { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import { sha256File } from '../../src/media/checksum.js';
import { probe, ProbeError } from '../../src/media/ffprobe.js';
import { targetFor, type LoudnessTarget } from '../../src/media/loudness.js';
import { peaksFromPcmFile } from '../../src/media/peaks.js';
import { processMaster } from '../../src/media/pipeline.js';
import type { RenditionTags } from '../../src/media/profiles.js';
import { assertProbedAudio, probeFailure } from '../../src/media/validate-input.js';
import { storageKeys, type BlobStorage } from '../../src/storage/blob-storage.js';
import * as mediaJob from '../media-job.js';

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
  /** Per-job temp dirs go here; results are put into storage from there. */
  readonly jobsTmpDir: string;
  /** ffmpeg processes per job (default 2: one per core). */
  readonly encodeParallelism?: number | undefined;
  /** Ladder for shows without their own (profile names, MP3 first). */
  readonly defaultLadder?: readonly string[] | undefined;
}

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

/** Ladder and loudness target: the reprocessing request, else the show, else the defaults. */
export function settingsFor(
  episode: Episode,
  show: Show,
  defaultLadder: readonly string[],
): { ladder: RenditionProfile[]; target: LoudnessTarget } {
  const options = episode.processingOptions ?? {};
  const names = options.renditionProfiles ?? show.audio?.renditionProfiles ?? defaultLadder;
  const ladder = names.map((name) => {
    const profile = RENDITION_PROFILES[name];
    if (!profile) throw new UnrecoverableError(`Unknown rendition profile "${name}"`);
    return profile;
  });
  const stereoTarget =
    options.loudnessTargetLufs ?? show.audio?.loudnessTargetLufs ?? DEFAULT_TARGET_STEREO_LUFS;
  const truePeak = options.truePeakDbtp ?? show.audio?.truePeakDbtp ?? DEFAULT_TRUE_PEAK_DBTP;
  return {
    ladder,
    target: targetFor(ladder[0]!.channels, stereoTarget, truePeak, MONO_OFFSET_LU),
  };
}

/** The revision a job was enqueued for, from its id (`process-audio-<id>-r<n>`). */
export function revisionOf(jobId: string | undefined): number | null {
  const match = /-r(\d+)$/.exec(jobId ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * probe → measure → encode the ladder → store → record → ready. Bad input fails
 * the episode at once (no retry); other errors retry, and the last attempt fails
 * it. A job for an older revision (the editor asked to reprocess since) stops.
 */
export function makeProcessAudio(deps: ProcessAudioDeps): mediaJob.Processor {
  return async function processAudio(job, token, signal) {
    const { episodeId } = mediaJob.parsePayload(job, processAudioPayload);
    const log = deps.logger.child({ episodeId, jobId: job.id, queue: job.queueName });

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

    try {
      const { ladder, target } = settingsFor(
        episode,
        show,
        deps.defaultLadder ?? ['mp3-128k', 'aac-128k', 'opus-48k'],
      );
      const artworkKey = await findArtwork(deps.storage, show);
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
          log.info({ probe: inputProbe, ladder: ladder.map((p) => p.name) }, 'input probed');
          assertProbedAudio(inputProbe);

          const run = (artworkFile: string | undefined) =>
            processMaster(
              {
                input,
                // The stream's own length first: a container's can include video or padding.
                declaredDurationSeconds:
                  inputProbe.audio?.durationSeconds ?? inputProbe.durationSeconds,
                maxDurationSeconds: deps.maxAudioDurationSeconds,
                dir,
                ladder,
                target,
                tags: tagsFor(episode, show),
                chapters: episode.chapters?.chapters,
                artworkFile,
                parallelism: deps.encodeParallelism ?? 2,
              },
              {
                ffmpegPath: deps.ffmpegPath,
                timeoutMs: deps.ffmpegTimeoutMs,
                signal,
                logger: log,
                onProgress: (p) => reportProgress(p * 0.97),
              },
            );
          const processed = artworkKey
            ? await deps.storage.withLocalCopy(artworkKey, run)
            : await run(undefined);

          if (await superseded()) return null;
          // Store: every output under a content-addressed key, then the rows.
          let enclosureDuration = processed.durationSeconds;
          for (const [index, { profile, path: output }] of processed.outputs.entries()) {
            const outputProbe = await probe(output, { ffprobePath: deps.ffprobePath });
            const sha256 = await sha256File(output);
            const key = storageKeys.rendition(episodeId, profile.name, sha256, profile.extension);
            const stored = await deps.storage.putFile(key, output);
            const duration = outputProbe.durationSeconds ?? processed.durationSeconds;
            if (index === 0) enclosureDuration = duration;
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
          }
          const dropped = await deps.renditions.deleteOtherProfiles(
            episodeId,
            ladder.map((p) => p.name),
          );
          for (const key of dropped) await deps.storage.delete(key);
          await storePeaks(deps, episodeId, processed.peaksPcmPath, dir);
          await deps.episodes.setLoudness(episodeId, processed.loudness);
          await removeUnreferenced(deps, episodeId);
          log.info({ loudness: processed.loudness }, 'renditions stored');
          return { durationSeconds: enclosureDuration };
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
    } catch (error) {
      await mediaJob.handBackIfShuttingDown(job, token, signal, log, 'job');
      const finalAttempt = mediaJob.isFinalAttempt(job);
      if (error instanceof BadMediaError) {
        await deps.episodes.transition(episodeId, 'failed', { failureReason: error.reason });
        log.warn({ reason: error.reason, category: error.category }, 'episode failed: bad input');
        throw new UnrecoverableError(error.reason);
      }
      if (finalAttempt || error instanceof UnrecoverableError) {
        await deps.episodes.transition(episodeId, 'failed', {
          failureReason: `Processing failed after ${job.attemptsMade + 1} attempt(s): ${mediaJob.failureSummary(error)}`,
        });
      }
      log.error({ err: error, finalAttempt }, 'processing attempt failed');
      throw error;
    }
  };
}

/** The show's uploaded artwork (checked square JPEG/PNG), embedded as the cover; never fetched from the network. */
async function findArtwork(storage: BlobStorage, show: Show): Promise<string | null> {
  if (show.artworkKey && (await storage.exists(show.artworkKey))) return show.artworkKey;
  for (const ext of ['jpg', 'png'] as const) {
    const key = storageKeys.showArtwork(show.id, ext);
    if (await storage.exists(key)) return key;
  }
  return null;
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

/**
 * A run killed between storing a file and recording it leaves a file no row
 * points at: once this run's rows are in, whatever else in the episode's
 * folder no row points at goes. One set of renditions, whatever happened before.
 */
async function removeUnreferenced(deps: ProcessAudioDeps, episodeId: string): Promise<void> {
  const episode = await deps.episodes.findById(episodeId);
  const referenced = new Set([
    ...(await deps.renditions.listByEpisode(episodeId)).map((r) => r.storageKey),
    ...(episode?.peaksKey ? [episode.peaksKey] : []),
    // The editor's transcript and chapters files share the folder; they are not this run's to remove.
    ...(episode?.feed?.transcript ? [episode.feed.transcript.key] : []),
    ...(episode?.feed?.chaptersKey ? [episode.feed.chaptersKey] : []),
  ]);
  for (const key of await deps.storage.list(storageKeys.episodeFolder(episodeId))) {
    if (!referenced.has(key)) await deps.storage.delete(key);
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
