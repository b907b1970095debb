import type { RenditionProfile } from '../core/media-types.js';
import type { FfmpegInvocation } from './ffmpeg.js';

/** Tags written into the file itself (ID3v2 for MP3, MP4 metadata for M4A). */
export interface RenditionTags {
  readonly title: string;
  readonly artist?: string | null | undefined;
  readonly album?: string | null | undefined;
  /** ISO date, written as the recording date. */
  readonly date?: string | undefined;
  readonly comment?: string | null | undefined;
  readonly copyright?: string | null | undefined;
  readonly language?: string | null | undefined;
}

function metadataArgs(tags: RenditionTags): string[] {
  const pairs: [string, string | null | undefined][] = [
    ['title', tags.title],
    ['artist', tags.artist],
    ['album', tags.album],
    ['date', tags.date],
    ['comment', tags.comment],
    ['copyright', tags.copyright],
    ['language', tags.language],
  ];
  return pairs.flatMap(([key, value]) => (value ? ['-metadata', `${key}=${value}`] : []));
}

/** Output options for one profile (pure: unit-tested for exact arrays). */
export function renditionOutputOptions(profile: RenditionProfile, tags: RenditionTags): string[] {
  const common = [
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    // Drop whatever the upload carried (GPS, encoder names…); write our own tags.
    '-map_metadata',
    '-1',
    ...metadataArgs(tags),
    '-c:a',
    profile.codec,
    '-b:a',
    `${profile.bitrateKbps}k`,
    '-ar',
    String(profile.sampleRate),
    '-ac',
    String(profile.channels),
  ];
  switch (profile.container) {
    case 'mp3':
      // CBR (no -q/-abr), ID3v2.3 at the start: the version every podcast app reads.
      return [...common, '-id3v2_version', '3', '-write_id3v1', '0', '-f', 'mp3'];
    case 'm4a':
      return [...common, '-movflags', '+faststart', '-f', 'ipod'];
    case 'ogg':
      return [...common, '-f', 'ogg'];
    case 'webm':
      return [...common, '-f', 'webm'];
  }
}

export function renditionInvocation(
  input: string,
  outputPath: string,
  profile: RenditionProfile,
  tags: RenditionTags,
): FfmpegInvocation {
  return { input, outputs: [{ path: outputPath, options: renditionOutputOptions(profile, tags) }] };
}
