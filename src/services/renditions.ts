/**
 * What becomes of an episode's processed audio: the renditions recorded under
 * content-addressed keys (one set per episode, whatever happened before), the
 * peaks for the player, the files no row points at removed; and the settings
 * and tags a processing run uses. The worker's handler calls this; it runs
 * ffmpeg through media/ and leaves the rest here.
 */
import type { Episode, Show } from '../core/domain.js';
import { newRenditionId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import {
  DEFAULT_LADDER,
  DEFAULT_TARGET_STEREO_LUFS,
  DEFAULT_TRUE_PEAK_DBTP,
  MONO_OFFSET_LU,
  RENDITION_PROFILES,
  type RenditionProfile,
} from '../core/media-types.js';
import { storageKeys } from '../core/storage-keys.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import type { NewRendition, RenditionsRepository } from '../db/repositories/renditions.repo.js';
import { sha256File } from '../media/checksum.js';
import { probe } from '../media/ffprobe.js';
import { targetFor, type LoudnessTarget } from '../media/loudness.js';
import type { PipelineResult } from '../media/pipeline.js';
import type { RenditionTags } from '../media/profiles.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { episodePeaksKeys, storePeakSets } from './peak-files.js';

/** A ladder names a profile this version does not know (a show set up by a newer one). */
export class UnknownProfileError extends Error {
  constructor(name: string) {
    super(`Unknown rendition profile "${name}"`);
  }
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
  defaultLadder: readonly string[] = DEFAULT_LADDER,
): { ladder: RenditionProfile[]; target: LoudnessTarget } {
  const options = episode.processingOptions ?? {};
  const names = options.renditionProfiles ?? show.audio?.renditionProfiles ?? defaultLadder;
  const ladder = names.map((name) => {
    const profile = RENDITION_PROFILES[name];
    if (!profile) throw new UnknownProfileError(name);
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

export interface RenditionServiceDeps {
  readonly episodes: EpisodesRepository;
  readonly renditions: RenditionsRepository;
  readonly storage: BlobStorage;
  readonly ffprobePath: string;
}

export class RenditionService {
  constructor(private readonly deps: RenditionServiceDeps) {}

  /** The show's uploaded artwork (checked square JPEG/PNG), embedded as the cover; never fetched from the network. */
  async findArtwork(show: Show): Promise<string | null> {
    const { storage } = this.deps;
    if (show.artworkKey && (await storage.exists(show.artworkKey))) return show.artworkKey;
    for (const ext of ['jpg', 'png'] as const) {
      const key = storageKeys.showArtwork(show.id, ext);
      if (await storage.exists(key)) return key;
    }
    return null;
  }

  /**
   * Stores a run's outputs and records them (the ladder's first is the
   * enclosure), its peaks and loudness; profiles no longer in the ladder and
   * files no row points at go. Returns the enclosure's duration as probed.
   */
  async record(
    episodeId: string,
    processed: PipelineResult,
    dir: string,
    log: Logger,
  ): Promise<{ durationSeconds: number }> {
    const { storage, renditions } = this.deps;
    let enclosureDuration = processed.durationSeconds;
    for (const [index, output] of processed.outputs.entries()) {
      const rendition = await this.storeOutput(episodeId, output, processed.durationSeconds);
      if (index === 0) enclosureDuration = rendition.durationSeconds;
      const { replacedKey } = await renditions.upsert(rendition);
      if (replacedKey) await storage.delete(replacedKey);
    }
    const dropped = await renditions.deleteOtherProfiles(
      episodeId,
      processed.outputs.map((o) => o.profile.name),
    );
    for (const key of dropped) await storage.delete(key);
    await this.storePeaks(episodeId, processed.peaksPcmPath);
    await this.deps.episodes.setLoudness(episodeId, processed.loudness);
    await this.deps.episodes.setAudioAnalysis(episodeId, processed.analysis);
    await this.removeUnreferenced(episodeId);
    log.info({ loudness: processed.loudness }, 'renditions stored');
    return { durationSeconds: enclosureDuration };
  }

  /**
   * Stores a correction's outputs under keys of their own (its version number in
   * the name) without recording anything: the caller swaps them in at once
   * (EpisodeVersionsRepository.goLive), so the live version is untouched until then.
   */
  async stage(
    episodeId: string,
    version: number,
    processed: PipelineResult,
  ): Promise<{
    renditions: NewRendition[];
    peaks: { peaksKey: string; playerPeaksKey: string };
    durationSeconds: number;
  }> {
    const { storage } = this.deps;
    const renditions: NewRendition[] = [];
    for (const output of processed.outputs) {
      renditions.push(
        await this.storeOutput(episodeId, output, processed.durationSeconds, version),
      );
    }
    const peaks = await storePeakSets(storage, episodePeaksKeys(episodeId), processed.peaksPcmPath);
    return {
      renditions,
      peaks,
      durationSeconds: renditions[0]?.durationSeconds ?? processed.durationSeconds,
    };
  }

  /**
   * Stores one output under its content-addressed key (a correction's version in
   * the name) and describes it as probed; recording it is the caller's.
   */
  private async storeOutput(
    episodeId: string,
    { profile, path: output }: PipelineResult['outputs'][number],
    runDurationSeconds: number,
    version?: number,
  ): Promise<NewRendition> {
    const outputProbe = await probe(output, { ffprobePath: this.deps.ffprobePath });
    const sha256 = await sha256File(output);
    const key = storageKeys.rendition(episodeId, profile.name, sha256, profile.extension, version);
    const stored = await this.deps.storage.putFile(key, output);
    return {
      id: newRenditionId(),
      episodeId,
      profile: profile.name,
      mimeType: profile.mimeType,
      codec: outputProbe.audio?.codec ?? profile.codec,
      bitrateKbps: profile.bitrateKbps,
      sampleRate: outputProbe.audio?.sampleRate ?? profile.sampleRate,
      channels: outputProbe.audio?.channels ?? profile.channels,
      bytes: stored.bytes,
      durationSeconds: outputProbe.durationSeconds ?? runDurationSeconds,
      storageKey: key,
      sha256,
    };
  }

  /** The full-resolution peaks (studio) and the player's light set, from the run's PCM. */
  private async storePeaks(episodeId: string, pcm: string): Promise<void> {
    const keys = await storePeakSets(this.deps.storage, episodePeaksKeys(episodeId), pcm);
    const replaced = await this.deps.episodes.setPeaks(episodeId, keys);
    for (const key of replaced) await this.deps.storage.delete(key);
  }

  /**
   * A run killed between storing a file and recording it leaves a file no row
   * points at: once this run's rows are in, whatever else in the episode's
   * folder no row points at goes. One set of renditions, whatever happened before.
   */
  private async removeUnreferenced(episodeId: string): Promise<void> {
    const { storage } = this.deps;
    const episode = await this.deps.episodes.findById(episodeId);
    const referenced = new Set([
      ...(await this.deps.renditions.listByEpisode(episodeId)).map((r) => r.storageKey),
      ...(episode?.peaksKey ? [episode.peaksKey] : []),
      ...(episode?.playerPeaksKey ? [episode.playerPeaksKey] : []),
      // The editor's transcript and chapters files share the folder; they are not this run's to remove.
      ...(episode?.feed?.transcript ? [episode.feed.transcript.key] : []),
      ...(episode?.feed?.chaptersKey ? [episode.feed.chaptersKey] : []),
    ]);
    for (const key of await storage.list(storageKeys.episodeFolder(episodeId))) {
      if (!referenced.has(key)) await storage.delete(key);
    }
  }
}
