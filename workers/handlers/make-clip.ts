import path from 'node:path';
import { CLIP_FADE_SECONDS, type Clip } from '../../src/core/clips.js';
import { mp3Enclosure, type Rendition } from '../../src/core/domain.js';
import type { MakeClipPayload } from '../../src/core/jobs.js';
import type { Logger } from '../../src/core/logger.js';
import { MP3_128K_STEREO } from '../../src/core/media-types.js';
import type { ClipsRepository } from '../../src/db/repositories/clips.repo.js';
import type { EpisodesRepository } from '../../src/db/repositories/episodes.repo.js';
import type { RenditionsRepository } from '../../src/db/repositories/renditions.repo.js';
import type { ShowsRepository } from '../../src/db/repositories/shows.repo.js';
import { sha256File } from '../../src/media/checksum.js';
import { clipInvocation } from '../../src/media/clip.js';
import { runFfmpeg } from '../../src/media/ffmpeg.js';
import { probe } from '../../src/media/ffprobe.js';
import { storageKeys } from '../../src/core/storage-keys.js';
import type { FeedPublishingService } from '../../src/services/feed-publishing.js';
import { tagsFor } from '../../src/services/renditions.js';
import type { BlobStorage } from '../../src/storage/blob-storage.js';
import type { PeakKeys } from '../../src/db/repositories/row-locks.js';
import { clipPeaksKeys, storePeakSets } from '../../src/services/peak-files.js';
import * as mediaJob from '../media-job.js';

export interface MakeClipDeps {
  readonly clips: ClipsRepository;
  readonly shows: ShowsRepository;
  readonly episodes: EpisodesRepository;
  readonly renditions: RenditionsRepository;
  readonly storage: BlobStorage;
  readonly logger: Logger;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly ffmpegTimeoutMs: number;
  readonly jobsTmpDir: string;
  /** A new soundbite changes the show's feed. */
  readonly feedPublishing: Pick<FeedPublishingService, 'rebuildShow'>;
}

/**
 * The best audio to cut from. Today that is the MP3 enclosure (one more lossy
 * generation); once the audio ladder keeps a normalised master, prefer it here.
 */
export function clipSource(renditions: readonly Rendition[]): Rendition | undefined {
  return mp3Enclosure(renditions);
}

/** Cuts the clip from the episode with short fades into its own MP3 and peaks. */
export function makeMakeClip(deps: MakeClipDeps): mediaJob.Processor<MakeClipPayload> {
  return async function makeClip(job, token, signal) {
    const { clipId } = job.data;
    const log = mediaJob.jobLogger(deps.logger, job, { clipId });

    const clip = await deps.clips.findById(clipId);
    if (!clip) {
      log.info('clip deleted before it was cut: nothing to do');
      return { state: 'deleted' };
    }
    if (clip.state === 'ready') return { state: 'ready' };
    const episode = await deps.episodes.findById(clip.episodeId);
    const show = episode && (await deps.shows.findById(episode.showId));
    if (!episode || !show) return { state: 'deleted' };

    await deps.clips.setState(clipId, 'processing');
    return mediaJob.settle(
      {
        job,
        token,
        signal,
        log,
        what: 'clip job',
        fail: (reason) => deps.clips.setState(clipId, 'failed', reason),
        failedBecause: (summary) => `Cutting the clip failed: ${summary}`,
      },
      async () => {
        const source = clipSource(await deps.renditions.listByEpisode(episode.id));
        if (!source)
          throw new mediaJob.JobRefusal(
            'The episode has no MP3 rendition yet: process the episode first.',
          );
        const tags = { ...tagsFor(episode, show), title: clip.title };
        const stored = await mediaJob.withStoredFileInTempDir(
          deps,
          'clip',
          source.storageKey,
          (input, dir) => cut(deps, clip, input, dir, tags, signal, log),
        );
        const replaced = await deps.clips.markReady(clipId, stored);
        for (const key of replaced) await deps.storage.delete(key);
        await deps.feedPublishing.rebuildShow(show.id);
        log.info({ durationSeconds: stored.durationSeconds }, 'clip ready');
        return { state: 'ready' };
      },
    );
  };
}

async function cut(
  deps: MakeClipDeps,
  clip: Clip,
  input: string,
  dir: string,
  tags: ReturnType<typeof tagsFor>,
  signal: AbortSignal | undefined,
  log: Logger,
): Promise<{ storageKey: string; bytes: number; durationSeconds: number } & PeakKeys> {
  const output = path.join(dir, 'clip.mp3');
  const pcmPath = path.join(dir, 'clip.pcm');
  await runFfmpeg(
    clipInvocation(
      input,
      { path: output, pcmPath },
      {
        startSeconds: clip.startSeconds,
        endSeconds: clip.endSeconds,
        fadeSeconds: CLIP_FADE_SECONDS,
      },
      MP3_128K_STEREO,
      tags,
    ),
    { ffmpegPath: deps.ffmpegPath, timeoutMs: deps.ffmpegTimeoutMs, signal, cwd: dir, logger: log },
  );
  const probed = await probe(output, { ffprobePath: deps.ffprobePath });
  const storageKey = storageKeys.clipAudio(clip.id, await sha256File(output));
  const info = await deps.storage.putFile(storageKey, output);
  const peaks = await storePeakSets(deps.storage, clipPeaksKeys(clip.id), pcmPath);
  return {
    storageKey,
    bytes: info.bytes,
    durationSeconds: probed.durationSeconds ?? clip.endSeconds - clip.startSeconds,
    ...peaks,
  };
}
