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
  } | null;
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

export const MP3_128K_STEREO: RenditionProfile = {
  name: 'mp3-128k',
  container: 'mp3',
  codec: 'libmp3lame',
  mimeType: 'audio/mpeg',
  bitrateKbps: 128,
  sampleRate: 44100,
  channels: 2,
  extension: 'mp3',
};
