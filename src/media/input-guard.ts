/**
 * ffmpeg and ffprobe read the one uploaded file and nothing else: no network
 * protocol, and no demuxer that follows references to other files (HLS or DASH
 * playlists, concat lists, image sequences…). Applied to every input.
 */

/** Demuxers (by ffmpeg's short names) for the containers an audio upload can come in. */
export const ALLOWED_DEMUXERS = [
  'wav',
  'w64',
  'flac',
  'aiff',
  'mp3',
  'mov', // mov,mp4,m4a,3gp,3g2,mj2
  'ogg',
  'matroska', // matroska,webm
  'aac',
  'ac3',
  'eac3',
  'caf',
  'amr',
  'au',
  'wv',
  'ape',
  'tta',
  'mpc',
  'mpc8',
  'mpegts',
  'mpeg',
  'asf',
  'avi',
  'flv',
  'dts',
  'truehd',
  'mlp',
  'loas',
  'gsm',
  'voc',
  'xwma',
  'aa',
] as const;

export const INPUT_GUARD_OPTIONS: readonly string[] = [
  '-protocol_whitelist',
  'file',
  '-format_whitelist',
  ALLOWED_DEMUXERS.join(','),
];
