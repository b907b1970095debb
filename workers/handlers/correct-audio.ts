import fs from 'node:fs/promises';
import path from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { keptSegments, type EpisodeVersion } from '../../src/core/corrections.js';
import type { Episode, Show } from '../../src/core/domain.js';
import { mp3Enclosure } from '../../src/core/domain.js';
import type { CorrectAudioPayload } from '../../src/core/jobs.js';
import type { Logger } from '../../src/core/logger.js';
import { storageKeys } from '../../src/core/storage-keys.js';
import type { EpisodeVersionsRepository } from '../../src/db/repositories/episode-versions.repo.js';
import { cutInvocation } from '../../src/media/cut.js';
import { runFfmpeg } from '../../src/media/ffmpeg.js';
import type { ProbeResult } from '../../src/core/media-types.js';
import { probe, ProbeError } from '../../src/media/ffprobe.js';
import { assertProbedAudio, probeFailure } from '../../src/media/validate-input.js';
import type { CorrectionService } from '../../src/services/corrections.js';
import { settingsFor } from '../../src/services/renditions.js';
import * as mediaJob from '../media-job.js';
import { encodeEpisode, ladderSettings, type ProcessAudioDeps } from './process-audio.js';

/** What processing an upload needs, and the versions to swap in. */
export interface CorrectAudioDeps extends ProcessAudioDeps {
  readonly versions: EpisodeVersionsRepository;
  readonly corrections: CorrectionService;
}

/**
 * A correction: the new master (the current one with ranges cut, or the
 * replacement recording) → the ladder, as for an upload → stored under new keys
 * → swapped in at once (CorrectionService.goLive). The episode's state and its
 * live files are not touched before the swap: a failure leaves them as they were
 * and fails the version with a reason.
 */
export function makeCorrectAudio(deps: CorrectAudioDeps): mediaJob.Processor<CorrectAudioPayload> {
  return async function correctAudio(job, token, signal) {
    const { versionId } = job.data;
    const version = await deps.versions.findById(versionId);
    if (!version || version.state !== 'processing') {
      return { state: version?.state ?? 'deleted' };
    }
    const log = mediaJob.jobLogger(deps.logger, job, {
      episodeId: version.episodeId,
      version: String(version.number),
    });
    const episode = await deps.episodes.findById(version.episodeId);
    const show = episode && (await deps.shows.findById(episode.showId));
    if (!episode || !show) return { state: 'deleted' };

    return mediaJob.settle(
      {
        job,
        token,
        signal,
        log,
        what: 'correction job',
        fail: (reason) => deps.corrections.fail(version, reason),
        failedBecause: (summary) =>
          `The correction failed after ${job.attemptsMade + 1} attempt(s); the previous version stays live: ${summary}`,
      },
      async () => {
        const sourceKey = version.kind === 'cut' ? episode.original.key : version.sourceKey;
        if (!sourceKey) throw new UnrecoverableError('The correction has no audio to work from.');
        const state = await mediaJob.withStoredFileInTempDir(
          deps,
          'correction',
          sourceKey,
          (source, dir) => correct(deps, { version, episode, show }, source, dir, log, signal),
        );
        log.info({ state }, 'correction finished');
        return { state };
      },
    );
  };
}

async function correct(
  deps: CorrectAudioDeps,
  { version, episode, show }: { version: EpisodeVersion; episode: Episode; show: Show },
  source: string,
  dir: string,
  log: Logger,
  signal: AbortSignal | undefined,
): Promise<string> {
  const run = { ffmpegPath: deps.ffmpegPath, timeoutMs: deps.ffmpegTimeoutMs, signal, logger: log };
  const sourceProbe = await probeInput(deps, source, log);
  let master = source;
  if (version.cuts) {
    const duration =
      sourceProbe.audio?.durationSeconds ?? sourceProbe.durationSeconds ?? episode.durationSeconds;
    if (duration === null) throw new UnrecoverableError('The current audio has no known duration.');
    master = path.join(dir, 'master.flac');
    await runFfmpeg(cutInvocation(source, master, keptSegments(version.cuts, duration)), run);
  }
  const masterProbe = version.cuts ? await probeInput(deps, master, log) : sourceProbe;
  assertProbedAudio(masterProbe);

  // The new audio's own quality report too: a cut may remove a silence.
  const settings = ladderSettings(() => settingsFor(episode, show, deps.defaultLadder));
  const processed = await encodeEpisode(
    deps,
    { input: master, probe: masterProbe, dir, episode, show, settings },
    run,
  );

  // Stored under new keys: nothing live is overwritten.
  const staged = await deps.renditionService.stage(episode.id, version.number, processed);
  const masterKey = version.cuts
    ? storageKeys.versionMaster(episode.id, version.number, 'flac')
    : version.sourceKey!;
  const masterInfo = version.cuts
    ? await deps.storage.putFile(masterKey, master)
    : { bytes: (await fs.stat(source)).size };
  const stagedKeys = [
    ...staged.renditions.map((r) => r.storageKey),
    staged.peaks.peaksKey,
    staged.peaks.playerPeaksKey,
    ...(version.cuts ? [masterKey] : []),
  ];
  const enclosure = mp3Enclosure(staged.renditions) ?? staged.renditions[0]!;
  return deps.corrections.goLive(
    version,
    episode,
    {
      versionId: version.id,
      renditions: staged.renditions,
      master: {
        key: masterKey,
        name: version.cuts
          ? `${episode.original.name} (v${version.number})`
          : (version.sourceName ?? 'correction'),
        bytes: masterInfo.bytes,
      },
      durationSeconds: staged.durationSeconds,
      loudness: processed.loudness,
      analysis: processed.analysis,
      peaksKey: staged.peaks.peaksKey,
      playerPeaksKey: staged.peaks.playerPeaksKey,
      enclosureKey: enclosure.storageKey,
    },
    stagedKeys,
  );
}

/** The input's probe; an unreadable file is the editor's to fix (refused, not retried). */
async function probeInput(deps: CorrectAudioDeps, file: string, log: Logger): Promise<ProbeResult> {
  return probe(file, { ffprobePath: deps.ffprobePath }).catch((error: unknown) => {
    if (!(error instanceof ProbeError)) throw error;
    const refusal = probeFailure(error.stderr);
    if (!refusal) throw error;
    log.warn({ stderr: error.stderr }, 'ffprobe could not read the correction’s audio');
    throw refusal;
  });
}
