/**
 * Every storage key Antenne writes. Keys are relative, ASCII, '/'-separated;
 * keys under `public/` may be served to anyone (with the publication rules of
 * the media route), the rest (originals) never are. Public files are
 * content-addressed by a hash prefix: a new file gets a new URL, so it can be
 * cached forever.
 */

export const PUBLIC_PREFIX = 'public/';

const hashed = (sha256: string) => sha256.slice(0, 12);

export const storageKeys = {
  original: (episodeId: string, extension: string) =>
    `originals/${episodeId}/original${extension ? `.${extension}` : ''}`,
  /**
   * A rendition; a correction's (version 2 on) carries its number, so its URL is
   * new even if the audio happened to be the same.
   */
  rendition: (episodeId: string, profile: string, sha256: string, extension: string, version = 1) =>
    `${PUBLIC_PREFIX}episodes/${episodeId}/${profile}-${version > 1 ? `v${version}-` : ''}${hashed(sha256)}.${extension}`,
  /** A correction's new master: a replacement upload, or the current master with ranges cut. */
  versionMaster: (episodeId: string, version: number, extension: string) =>
    `originals/${episodeId}/v${version}-master.${extension}`,
  /** A replacement recording as uploaded for a correction (private, like every original). */
  correctionUpload: (episodeId: string, id: string, extension: string) =>
    `originals/${episodeId}/correction-${id}${extension ? `.${extension}` : ''}`,
  /** Folder of an episode's public files (renditions, peaks, transcript, chapters). */
  episodeFolder: (episodeId: string) => `${PUBLIC_PREFIX}episodes/${episodeId}`,
  peaks: (episodeId: string, sha256: string) =>
    `${PUBLIC_PREFIX}episodes/${episodeId}/peaks-${hashed(sha256)}.json`,
  /** The player's light set of the episode's peaks. */
  playerPeaks: (episodeId: string, sha256: string) =>
    `${PUBLIC_PREFIX}episodes/${episodeId}/player-peaks-${hashed(sha256)}.json`,
  transcript: (episodeId: string, sha256: string, format: string) =>
    `${PUBLIC_PREFIX}episodes/${episodeId}/transcript-${hashed(sha256)}.${format}`,
  chapters: (episodeId: string, sha256: string) =>
    `${PUBLIC_PREFIX}episodes/${episodeId}/chapters-${hashed(sha256)}.chapters.json`,
  /** The cover image found by name (written into the audio files as artwork). */
  showArtwork: (showId: string, extension: 'jpg' | 'png') =>
    `${PUBLIC_PREFIX}shows/${showId}/artwork.${extension}`,
  /** An uploaded cover image, content-addressed. */
  showArtworkUpload: (showId: string, sha256: string, extension: string) =>
    `${PUBLIC_PREFIX}shows/${showId}/artwork-${hashed(sha256)}.${extension}`,
  clipAudio: (clipId: string, sha256: string) =>
    `${PUBLIC_PREFIX}clips/${clipId}/clip-${hashed(sha256)}.mp3`,
  clipPeaks: (clipId: string, sha256: string) =>
    `${PUBLIC_PREFIX}clips/${clipId}/peaks-${hashed(sha256)}.json`,
  clipPlayerPeaks: (clipId: string, sha256: string) =>
    `${PUBLIC_PREFIX}clips/${clipId}/player-peaks-${hashed(sha256)}.json`,
  /** A rendered feed's bytes (one file per encoding suffix), named by its ETag. */
  feedRender: (showId: string, feedKey: string, etag: string) =>
    `feeds/${showId}/${feedKey.replace('/', '--')}-${etag.slice(1, 17)}`,
};

/** Files anyone may fetch whatever the state of an episode: show artwork. */
export const isAlwaysPublicKey = (key: string) => key.startsWith(`${PUBLIC_PREFIX}shows/`);

/** An episode's audio rendition (not its peaks, transcript or chapters, nor a clip). */
export const isEpisodeAudioKey = (key: string) =>
  /^public\/episodes\/[^/]+\/(?!peaks-|transcript-|chapters-)[^/]+$/.test(key);
