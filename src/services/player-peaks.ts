/**
 * The player's light peaks of an episode or a clip, for the reader side: the
 * key recorded by the worker, else (a file processed before the player set
 * existed) one derived from the full-resolution set now, stored and recorded,
 * so it is made once. Never the full set: when neither can be had the player
 * draws its flat bars.
 */
import type { Clip } from '../core/clips.js';
import type { Episode } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { ClipsRepository } from '../db/repositories/clips.repo.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import { parseWaveformJson } from '../media/peaks.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import {
  clipPeaksKeys,
  episodePeaksKeys,
  storePlayerPeaks,
  type PeaksKeyOf,
} from './peak-files.js';

export interface PlayerPeaksDeps {
  readonly storage: BlobStorage;
  readonly episodes: Pick<EpisodesRepository, 'recordPlayerPeaks'>;
  readonly clips: Pick<ClipsRepository, 'recordPlayerPeaks'>;
  readonly logger: Logger;
}

interface Owner {
  readonly id: string;
  readonly peaksKey: string | null;
  readonly playerPeaksKey?: string | null | undefined;
}

async function readText(storage: BlobStorage, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.openRead(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class PlayerPeaksService {
  /** Derivations under way in this process, by full key: a burst of first views makes one. */
  private readonly pending = new Map<string, Promise<string | null>>();

  constructor(private readonly deps: PlayerPeaksDeps) {}

  forEpisode(episode: Episode): Promise<string | null> {
    return this.keyOf(episode, episodePeaksKeys(episode.id).player, (from, key) =>
      this.deps.episodes.recordPlayerPeaks(episode.id, from, key),
    );
  }

  forClip(clip: Clip): Promise<string | null> {
    return this.keyOf(clip, clipPeaksKeys(clip.id).player, (from, key) =>
      this.deps.clips.recordPlayerPeaks(clip.id, from, key),
    );
  }

  private keyOf(
    owner: Owner,
    keyOf: PeaksKeyOf,
    record: (fromPeaksKey: string, key: string) => Promise<string | null>,
  ): Promise<string | null> {
    if (owner.playerPeaksKey) return Promise.resolve(owner.playerPeaksKey);
    const full = owner.peaksKey;
    if (!full) return Promise.resolve(null);
    let pending = this.pending.get(full);
    if (!pending) {
      pending = this.derive(full, keyOf, record)
        .catch((error: unknown) => {
          this.deps.logger.warn(
            { err: error, peaksKey: full },
            'player peaks could not be made; the player shows no waveform',
          );
          return null;
        })
        .finally(() => this.pending.delete(full));
      this.pending.set(full, pending);
    }
    return pending;
  }

  private async derive(
    fullKey: string,
    keyOf: PeaksKeyOf,
    record: (fromPeaksKey: string, key: string) => Promise<string | null>,
  ): Promise<string | null> {
    const { storage } = this.deps;
    const full = parseWaveformJson(await readText(storage, fullKey));
    const key = await storePlayerPeaks(storage, keyOf, full);
    const recorded = await record(fullKey, key);
    // Reprocessed meanwhile (another full set): this one belongs to nobody.
    if (recorded !== key) await storage.delete(key);
    this.deps.logger.info({ peaksKey: fullKey, playerPeaksKey: recorded }, 'player peaks derived');
    return recorded;
  }
}
