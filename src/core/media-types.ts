/** What the worker needs to know of an uploaded file, normalised from ffprobe. */
export interface ProbeResult {
  readonly formatName: string;
  /** Seconds; null when the container does not say (ffprobe's "N/A"). */
  readonly durationSeconds: number | null;
  readonly bitRate: number | null;
  readonly audio: {
    readonly codec: string;
    readonly sampleRate: number;
    readonly channels: number;
    readonly bitRate: number | null;
    /** The audio stream's own duration, when the container gives one per stream. */
    readonly durationSeconds: number | null;
  } | null;
  /** A video stream (not a cover picture) is present. */
  readonly hasVideo: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** One output of the rendition ladder. */
export interface RenditionProfile {
  /** Stable name, part of the storage key: "mp3-128k". */
  readonly name: string;
  readonly container: 'mp3' | 'm4a' | 'ogg' | 'webm';
  readonly codec: 'libmp3lame' | 'aac' | 'libopus';
  readonly mimeType: string;
  readonly bitrateKbps: number;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  readonly extension: string;
}

const mp3 = (kbps: number, channels: 1 | 2): RenditionProfile => ({
  name: `mp3-${kbps}k${channels === 1 ? '-mono' : ''}`,
  container: 'mp3',
  codec: 'libmp3lame',
  mimeType: 'audio/mpeg',
  bitrateKbps: kbps,
  sampleRate: 44100,
  channels,
  extension: 'mp3',
});
const aac = (kbps: number, channels: 1 | 2): RenditionProfile => ({
  name: `aac-${kbps}k${channels === 1 ? '-mono' : ''}`,
  container: 'm4a',
  codec: 'aac',
  // Apple's spelling for M4A enclosures.
  mimeType: 'audio/x-m4a',
  bitrateKbps: kbps,
  sampleRate: 44100,
  channels,
  extension: 'm4a',
});
const opus = (kbps: number, channels: 1 | 2): RenditionProfile => ({
  name: `opus-${kbps}k${channels === 1 ? '-mono' : ''}`,
  container: 'ogg',
  codec: 'libopus',
  mimeType: 'audio/ogg',
  bitrateKbps: kbps,
  // Opus runs at 48 kHz only.
  sampleRate: 48000,
  channels,
  extension: 'opus',
});

export const MP3_128K_STEREO: RenditionProfile = mp3(128, 2);

/** Every profile an editor or a show can ask for, by name. */
export const RENDITION_PROFILES: Readonly<Record<string, RenditionProfile>> = Object.freeze(
  Object.fromEntries(
    [
      MP3_128K_STEREO,
      mp3(96, 1),
      mp3(64, 1),
      aac(128, 2),
      aac(64, 1),
      opus(48, 2),
      opus(32, 1),
    ].map((p) => [p.name, p]),
  ),
);

export const RENDITION_PROFILE_NAMES = Object.keys(RENDITION_PROFILES);

/** The default ladder: MP3 enclosure, AAC and Opus alternates, all stereo. */
export const DEFAULT_LADDER: readonly string[] = ['mp3-128k', 'aac-128k', 'opus-48k'];
/** The speech ladder, for shows that want small mono files. */
export const MONO_SPEECH_LADDER: readonly string[] = [
  'mp3-64k-mono',
  'aac-64k-mono',
  'opus-32k-mono',
];

/**
 * Loudness targets (EBU R128 / AES TD1008): −16 LUFS for stereo, −19 for mono
 * (the same perceived level), true peak ≤ −1 dBTP.
 */
export const DEFAULT_TARGET_STEREO_LUFS = -16;
export const MONO_OFFSET_LU = -3;
export const DEFAULT_TRUE_PEAK_DBTP = -1;

/** Figures of one EBU R128 measurement. */
export interface LoudnessFigures {
  /** Integrated loudness, LUFS. */
  readonly integrated: number;
  /** Loudness range, LU. */
  readonly lra: number;
  /** True peak, dBTP (sample peak in dBFS where only that was measured). */
  readonly truePeak: number;
  /** Relative gate threshold of the integrated measurement, LUFS. */
  readonly threshold: number;
}

/** What the worker did to the loudness of an episode, stored with it. */
export interface LoudnessReport {
  readonly target: { readonly integrated: number; readonly truePeak: number };
  readonly input: LoudnessFigures;
  /** Measured on the processed signal as it enters the encoders (independent ebur128 instance). */
  readonly output: LoudnessFigures;
  /** linear: one gain (loudnorm's linear mode); limited: gain + peak limiter; leveled: speech leveler first. */
  readonly mode: 'linear' | 'limited' | 'leveled';
  readonly gainDb: number;
}
