/**
 * The two peak sets an episode or a clip has, stored content-addressed: the
 * full resolution (one pixel per 10 ms, for the studio's clip editor) and the
 * player's light set (at most PLAYER_PEAKS_MAX_BARS bars, for the embed), made
 * from the full set by one function whether fresh from the worker or derived
 * later for a file processed before the player set existed.
 */
import fs from 'node:fs/promises';
import { storageKeys } from '../core/storage-keys.js';
import { sha256Bytes } from '../media/checksum.js';
import { peaksFromPcmFile, playerPeaks, type WaveformJson } from '../media/peaks.js';
import type { BlobStorage } from '../storage/blob-storage.js';

/** Storage key of a peaks file from its content's SHA-256. */
export type PeaksKeyOf = (sha256: string) => string;

export interface PeaksKeyScheme {
  readonly full: PeaksKeyOf;
  readonly player: PeaksKeyOf;
}

export const episodePeaksKeys = (episodeId: string): PeaksKeyScheme => ({
  full: (sha) => storageKeys.peaks(episodeId, sha),
  player: (sha) => storageKeys.playerPeaks(episodeId, sha),
});

export const clipPeaksKeys = (clipId: string): PeaksKeyScheme => ({
  full: (sha) => storageKeys.clipPeaks(clipId, sha),
  player: (sha) => storageKeys.clipPlayerPeaks(clipId, sha),
});

async function storeJson(storage: BlobStorage, keyOf: PeaksKeyOf, value: unknown): Promise<string> {
  const text = JSON.stringify(value);
  const key = keyOf(sha256Bytes(text));
  await storage.putBytes(key, text);
  return key;
}

/** Stores the player's set made from `full`; returns its key. */
export function storePlayerPeaks(
  storage: BlobStorage,
  keyOf: PeaksKeyOf,
  full: WaveformJson,
): Promise<string> {
  return storeJson(storage, keyOf, playerPeaks(full));
}

/** Folds the worker's 8 kHz PCM into both sets, stores them and removes the PCM. */
export async function storePeakSets(
  storage: BlobStorage,
  keys: PeaksKeyScheme,
  pcmPath: string,
): Promise<{ peaksKey: string; playerPeaksKey: string }> {
  const full = await peaksFromPcmFile(pcmPath);
  await fs.rm(pcmPath, { force: true });
  return {
    peaksKey: await storeJson(storage, keys.full, full),
    playerPeaksKey: await storePlayerPeaks(storage, keys.player, full),
  };
}
