/**
 * What can never become an episode, in reasons an editor can act on: first
 * what ffprobe reads of the header, then what ffmpeg actually decodes (a
 * header can lie about its length; only decoded audio is believed).
 *
 * Pure functions. A reason never quotes ffmpeg's or ffprobe's output, which
 * names server paths: it names a category and the figures that matter, and
 * the raw output goes to the worker's log.
 */
import { BadMediaError, type MediaRefusal } from '../core/errors.js';
import type { ProbeResult } from '../core/media-types.js';

/** Shorter than this there is nothing to publish, nor a loudness to measure (EBU R128 gates 400 ms blocks). */
export const MIN_AUDIO_SECONDS = 1;

/** A header outside these bounds describes no recording we can process (64: swresample's channel limit). */
export const MAX_CHANNELS = 64;
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768_000;

/** Decoded less than 90 % of the declared length, and more than a second short: the file was cut. */
const INCOMPLETE_RATIO = 0.9;
const INCOMPLETE_MIN_GAP_SECONDS = 1;
/**
 * A recorder's glitch or junk bytes after the last frame give a decode error or two
 * in a file that plays whole: refusing it would send the editor back with the same
 * file. More errors than this, or errors in a file that comes out short, mean damage.
 */
const TOLERATED_DECODE_ERRORS = 3;
const WHOLE_RATIO = 0.99;

const UPLOAD_AUDIO =
  'Upload the interview as an audio file (MP3, WAV, M4A, FLAC, OGG…) or a video with sound.';
const EXPORT_AGAIN = 'Export it again from the recorder or editor and upload it again.';

const refuse = (category: MediaRefusal, reason: string) => new BadMediaError(reason, category);

/** Seconds as a clock: "1:00", "1:02:03"; under 10 s, hundredths when there are some: "0:00.6". */
export function formatClock(seconds: number): string {
  const hundredths = Math.round(Math.max(0, Number.isFinite(seconds) ? seconds : 0) * 100);
  if (hundredths < 1000 && hundredths % 100) {
    const fraction = String(hundredths % 100)
      .padStart(2, '0')
      .replace(/0$/, '');
    return `0:0${Math.floor(hundredths / 100)}.${fraction}`;
  }
  const total = Math.round(hundredths / 100);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A figure read from a header, printed only as the integer it is. */
function figure(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : 'an impossible number of';
}

/** A name ffmpeg gives a format or codec, quoted only when it is one (never free text). */
function toolName(name: string | undefined): string | null {
  return name && /^[a-z0-9_]{1,32}$/i.test(name) && !/^(unknown|none)$/i.test(name) ? name : null;
}

function damagedHeader(declares: string): BadMediaError {
  return refuse(
    'damaged-header',
    `The file's header is damaged or not supported (it declares ${declares}). ${EXPORT_AGAIN}`,
  );
}

function unsupportedCodec(codec: string | undefined): BadMediaError {
  const name = toolName(codec);
  return refuse(
    'unsupported-codec',
    `The audio is encoded with a codec this service cannot decode${name ? ` (${name})` : ''}. Export it as MP3, WAV, M4A, FLAC or OGG and upload it again.`,
  );
}

const damaged = () =>
  refuse(
    'damaged',
    `The file is damaged: parts of the audio could not be decoded. ${EXPORT_AGAIN}`,
  );

/** Refuses, from ffprobe's reading of the header, what decoding cannot turn into an episode. */
export function assertProbedAudio(probe: ProbeResult): void {
  const audio = probe.audio;
  if (!audio) {
    throw refuse(
      'not-audio',
      probe.hasVideo
        ? `The file is a video without sound: it has no audio track. ${UPLOAD_AUDIO}`
        : `The file has no audio track. ${UPLOAD_AUDIO}`,
    );
  }
  if (!(audio.channels >= 1 && audio.channels <= MAX_CHANNELS)) {
    throw damagedHeader(`${figure(audio.channels)} channels`);
  }
  if (!(audio.sampleRate >= MIN_SAMPLE_RATE && audio.sampleRate <= MAX_SAMPLE_RATE)) {
    throw damagedHeader(`a sample rate of ${figure(audio.sampleRate)} Hz`);
  }
  if (!toolName(audio.codec)) throw unsupportedCodec(audio.codec);
}

/** What a decoding pass saw: the audio's length in samples (as seconds) and ffmpeg's decode errors. */
export interface DecodedAudio {
  readonly seconds: number;
  readonly decodeErrors: number;
}

export interface DurationLimits {
  /** What the header says (null when it does not say). */
  readonly declaredSeconds: number | null;
  readonly maxSeconds: number;
  readonly minSeconds?: number;
}

/**
 * Refuses what the decoded audio shows, the header notwithstanding. `decoded`
 * comes from a pass that stopped a little past `maxSeconds`, so anything
 * longer than the limit is "more than" the limit.
 */
export function assertDecodedAudio(decoded: DecodedAudio, limits: DurationLimits): void {
  const { seconds } = decoded;
  if (seconds > limits.maxSeconds) {
    const limit = formatClock(limits.maxSeconds);
    throw refuse(
      'too-long',
      `The recording lasts more than ${limit}, the limit is ${limit}. Upload a shorter edit.`,
    );
  }
  const declared = limits.declaredSeconds;
  if (
    declared !== null &&
    seconds < declared * INCOMPLETE_RATIO &&
    declared - seconds > INCOMPLETE_MIN_GAP_SECONDS
  ) {
    throw refuse(
      'incomplete',
      `The file is incomplete: it declares ${formatClock(declared)} but only ${formatClock(seconds)} could be read — upload it again.`,
    );
  }
  const whole = declared === null || seconds >= declared * WHOLE_RATIO;
  if (decoded.decodeErrors > (whole ? TOLERATED_DECODE_ERRORS : 0)) throw damaged();
  if (seconds <= 0) {
    throw refuse(
      'empty',
      'The audio track is empty: no sound could be read from it. Check the recording and upload it again.',
    );
  }
  const min = limits.minSeconds ?? MIN_AUDIO_SECONDS;
  if (seconds < min) {
    throw refuse(
      'too-short',
      `The recording is too short: ${formatClock(seconds)}, at least ${min} s is needed. Check that the whole recording was exported, then upload it again.`,
    );
  }
}

/** The recording is silence or noise: no gain within reason brings it to the target. */
export function silentRecording(integratedLufs: number): BadMediaError {
  const level =
    Number.isFinite(integratedLufs) && integratedLufs > -200
      ? ` (${integratedLufs.toFixed(1)} LUFS)`
      : '';
  return refuse(
    'silent',
    `The recording is silent or almost silent${level}. Check that the right track was exported, then upload it again.`,
  );
}

/** Demuxers that read other files or network resources: such an upload is a list, not a recording. */
const REFERENCE_DEMUXERS = new Set([
  'hls',
  'applehttp',
  'dash',
  'concat',
  'imf',
  'sdp',
  'rtp',
  'rtsp',
  'webm_dash_manifest',
]);
const IMAGE_DEMUXERS = new Set(['image2', 'gif', 'apng', 'ico', 'alias_pix', 'brender_pix']);
const TEXT_DEMUXERS = new Set([
  'tty',
  'webvtt',
  'srt',
  'ass',
  'subviewer',
  'subviewer1',
  'microdvd',
  'mpl2',
  'mpsub',
  'pjs',
  'realtext',
  'sami',
  'scc',
  'stl',
  'vplayer',
  'jacosub',
  'lrc',
  'aqtitle',
  'ffmetadata',
]);
const VIDEO_DEMUXERS = new Set([
  'h264',
  'hevc',
  'ivf',
  'obu',
  'm4v',
  'mjpeg',
  'mpegvideo',
  'vc1',
  'yuv4mpegpipe',
  'rawvideo',
]);

const PLAYLIST_REASON =
  'The file is a playlist or a reference to other files, not audio. Upload the recording itself.';

/** A format ffmpeg recognised but the input guard does not accept, by its kind. */
function refusedFormat(demuxer: string): BadMediaError {
  if (REFERENCE_DEMUXERS.has(demuxer)) return refuse('playlist', PLAYLIST_REASON);
  if (IMAGE_DEMUXERS.has(demuxer) || demuxer.endsWith('_pipe')) {
    return refuse('not-audio', `The file is an image, not audio. ${UPLOAD_AUDIO}`);
  }
  if (TEXT_DEMUXERS.has(demuxer)) {
    return refuse('not-audio', `The file is text or subtitles, not audio. ${UPLOAD_AUDIO}`);
  }
  if (VIDEO_DEMUXERS.has(demuxer)) {
    return refuse('not-audio', `The file is video without sound, not audio. ${UPLOAD_AUDIO}`);
  }
  const name = toolName(demuxer);
  return refuse(
    'unsupported-format',
    // Random or damaged bytes are often guessed as some rare format (h263, lrc…):
    // say first that this is not audio we can take, then what ffmpeg guessed.
    `The file is not audio in a format this service accepts${name ? ` (it reads as ${name})` : ''}. Export the recording as MP3, WAV, M4A, FLAC or OGG and upload it again.`,
  );
}

/**
 * The refusal for a file ffprobe could not read, from its stderr; null when
 * there is nothing to go on (ffprobe did not run or was killed: not the file's fault).
 */
export function probeFailure(stderr: string): BadMediaError | null {
  if (!stderr.trim()) return null;
  const format =
    /\[([\w-]+) @ 0x[0-9a-f]+\] Format not on whitelist/i.exec(stderr) ??
    /Format ([\w-]+) is not on whitelist/i.exec(stderr);
  if (format) return refusedFormat(format[1]!);
  if (/Protocol '[^']*' not on whitelist/i.test(stderr)) return refuse('playlist', PLAYLIST_REASON);
  const channels = /Too many channels: (-?\d+)/.exec(stderr);
  if (channels) return damagedHeader(`${figure(Number(channels[1]))} channels`);
  return refuse(
    'not-audio',
    `The file is not audio that can be read: its content is in no audio format this service knows, or it is damaged. ${UPLOAD_AUDIO}`,
  );
}

/**
 * The refusal for a decoding pass that ffmpeg gave up on because of the
 * content (from its stderr); null when the cause is elsewhere (machine, signal),
 * which a retry may cure.
 */
export function decodeFailure(stderr: string): BadMediaError | null {
  const decoder = /Decoder \((?:codec )?([\w-]+)\) not found/.exec(stderr);
  if (decoder) return unsupportedCodec(decoder[1]);
  const channels = /Too many channels: (-?\d+)/.exec(stderr);
  if (channels) return damagedHeader(`${figure(Number(channels[1]))} channels`);
  if (
    /Invalid data found|could not find codec parameters|Error while decoding|corrupt|Error reinitializing filters/i.test(
      stderr,
    )
  ) {
    return damaged();
  }
  return null;
}
