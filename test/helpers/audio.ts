import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const FRENCH_INTERVIEW = [
  'Bonjour madame la secrétaire d’État. La Normandie est-elle en train de devenir « chef de file » du numérique ?',
  'Oui, et je crois que c’est une très bonne nouvelle pour les entreprises de la région, à Caen comme à Rouen.',
  'Quelles sont les prochaines étapes pour la Team Normandie ?',
];

/**
 * A speech-like interview: two French voices from espeak-ng (host and guest at
 * different levels and pitches), with pauses, mixed to one 44.1 kHz file.
 */
export async function makeInterview(
  dir: string,
  options: { format?: 'wav' | 'mp3' | 'flac'; name?: string } = {},
): Promise<string> {
  const format = options.format ?? 'wav';
  const parts: string[] = [];
  for (const [i, sentence] of FRENCH_INTERVIEW.entries()) {
    const part = path.join(dir, `part-${i}.wav`);
    await run('espeak-ng', [
      '-v',
      i % 2 ? 'fr+f3' : 'fr',
      '-s',
      '165',
      '-p',
      i % 2 ? '60' : '40',
      '-w',
      part,
      sentence,
    ]);
    parts.push(part);
  }
  const out = path.join(dir, options.name ?? `interview.${format}`);
  const inputs = parts.flatMap((p) => ['-i', p]);
  const chains = parts.map(
    (_, i) => `[${i}:a]aresample=44100,volume=${i % 2 ? '-8dB' : '0dB'},apad=pad_dur=0.6[a${i}]`,
  );
  const concat = `${parts.map((_, i) => `[a${i}]`).join('')}concat=n=${parts.length}:v=0:a=1[out]`;
  await run('ffmpeg', [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    `${chains.join(';')};${concat}`,
    '-map',
    '[out]',
    '-ac',
    '1',
    out,
  ]);
  return out;
}

/** A tone of the given length: cheap input for tests that do not care about speech. */
export async function makeTone(
  dir: string,
  seconds: number,
  name = `tone-${seconds}s.wav`,
): Promise<string> {
  const out = path.join(dir, name);
  await run('ffmpeg', [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-ac',
    '2',
    out,
  ]);
  return out;
}

/**
 * Noise bytes from a seed, so that a test sees the same file on every run
 * (ffprobe guesses a different format for some random files).
 */
export function seededBytes(bytes: number, seed = 'antenne'): Buffer {
  const out = Buffer.alloc(bytes);
  for (let offset = 0, block = 0; offset < bytes; block += 1) {
    const digest = createHash('sha256').update(`${seed}:${block}`).digest();
    offset += digest.copy(out, offset);
  }
  return out;
}

export async function makeRandomBytes(
  dir: string,
  name: string,
  bytes = 64 * 1024,
  seed = 'antenne',
): Promise<string> {
  const out = path.join(dir, name);
  await fs.writeFile(out, seededBytes(bytes, seed));
  return out;
}

export async function ffprobeJson(file: string): Promise<{
  format: { duration: string; format_name: string; tags?: Record<string, string> };
  streams: {
    codec_type: string;
    codec_name: string;
    sample_rate: string;
    channels: number;
    bit_rate?: string;
  }[];
}> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    file,
  ]);
  return JSON.parse(stdout) as never;
}

export async function tempDir(prefix = 'antenne-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * EBU R128 figures of a file, measured by ffmpeg's own ebur128 filter with true
 * peak: the independent check of what the worker claims (parsed here, not with src/).
 */
export async function measureLoudness(
  file: string,
  /** e.g. "aformat=channel_layouts=stereo" to measure a 5.1 file as its stereo downmix. */
  before?: string,
): Promise<{ integrated: number; lra: number; truePeak: number }> {
  const { stderr } = await run('ffmpeg', [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-i',
    file,
    '-map',
    '0:a:0',
    '-af',
    `${before ? `${before},` : ''}ebur128=peak=true:framelog=verbose`,
    '-f',
    'null',
    '-',
  ]);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const grab = (re: RegExp) => {
    const m = re.exec(summary);
    if (!m) throw new Error(`no ${String(re)} in ebur128 summary:\n${summary}`);
    return m[1] === '-inf' ? -Infinity : Number(m[1]);
  };
  return {
    integrated: grab(/I:\s+(-?[\d.]+|-inf) LUFS/),
    lra: grab(/LRA:\s+(-?[\d.]+) LU/),
    truePeak: grab(/Peak:\s+(-?[\d.]+|-inf) dBFS/),
  };
}

export async function ffmpegRun(args: string[]): Promise<void> {
  await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** Re-encodes `source` through `filters` with a gain that lands at `lufs` integrated. */
export async function makeAtLoudness(
  source: string,
  out: string,
  lufs: number,
  filters: string,
  outputArgs: string[],
): Promise<void> {
  const probeFile = `${out}.probe.wav`;
  await ffmpegRun(['-i', source, '-af', filters, probeFile]);
  const measured = await measureLoudness(probeFile);
  await ffmpegRun([
    '-i',
    probeFile,
    '-af',
    `volume=${(lufs - measured.integrated).toFixed(2)}dB`,
    ...outputArgs,
    out,
  ]);
  await fs.rm(probeFile, { force: true });
}

export async function ffprobeChapters(
  file: string,
): Promise<{ start_time: string; end_time: string; tags?: { title?: string } }[]> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_chapters',
    file,
  ]);
  return (JSON.parse(stdout) as { chapters: never[] }).chapters;
}

/** Length of the first audio stream once decoded (container durations include video or padding). */
export async function decodedDuration(file: string): Promise<number> {
  const out = `${file}.decoded.wav`;
  await ffmpegRun(['-i', file, '-map', '0:a:0', '-c:a', 'pcm_s16le', out]);
  try {
    return Number((await ffprobeJson(out)).format.duration);
  } finally {
    await fs.rm(out, { force: true });
  }
}

/**
 * An MP3 whose Xing/Info header (LAME's first frame) counts the frames of
 * `claimedSeconds` while `realSeconds` of audio follow it: the header lies
 * about the length, as a hand-edited or hostile upload can. Mono 32 kb/s, small.
 */
export async function makeMp3WithLyingHeader(
  dir: string,
  claimedSeconds: number,
  realSeconds: number,
): Promise<string> {
  const out = path.join(dir, `claims-${claimedSeconds}s-holds-${realSeconds}s.mp3`);
  await ffmpegRun([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=44100:duration=${realSeconds}`,
    '-ac',
    '1',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '32k',
    out,
  ]);
  const bytes = await fs.readFile(out);
  // The tag sits in the first frame, after the side information.
  const tag = [bytes.indexOf('Xing'), bytes.indexOf('Info')].find((i) => i >= 0 && i < 200);
  if (tag === undefined) throw new Error('LAME wrote no Xing/Info header');
  if (!(bytes.readUInt32BE(tag + 4) & 1)) throw new Error('the Xing header has no frame count');
  // MPEG-1 Layer III: 1152 samples a frame.
  bytes.writeUInt32BE(Math.round((claimedSeconds * 44100) / 1152), tag + 8);
  await fs.writeFile(out, bytes);
  return out;
}

/** The first `bytes` of a `seconds`-long 128 kb/s stereo MP3: an upload cut short. Its header still declares `seconds`. */
export async function makeTruncatedMp3(
  dir: string,
  seconds: number,
  bytes: number,
): Promise<string> {
  const whole = path.join(dir, `whole-${seconds}s.mp3`);
  await ffmpegRun([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-ac',
    '2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    whole,
  ]);
  const out = path.join(dir, `first-${bytes}-bytes-of-${seconds}s.mp3`);
  await fs.writeFile(out, (await fs.readFile(whole)).subarray(0, bytes));
  return out;
}

/** A copy of a WAV file whose "fmt " chunk declares `channels` channels. */
export async function withWavChannels(wav: string, channels: number): Promise<string> {
  const bytes = await fs.readFile(wav);
  const fmt = bytes.indexOf('fmt ');
  if (fmt < 0) throw new Error(`${wav} has no fmt chunk`);
  bytes.writeUInt16LE(channels, fmt + 10);
  const out = wav.replace(/\.wav$/, `-${channels}ch.wav`);
  await fs.writeFile(out, bytes);
  return out;
}

/** A short H.264 video with no audio track at all. */
export async function makeSilentVideo(dir: string): Promise<string> {
  const out = path.join(dir, 'video-without-sound.mp4');
  await ffmpegRun([
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=160x90:rate=10:duration=2',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  return out;
}
