/** Measuring what ffmpeg made (probe, loudness, chapters, decoded length); the audio itself comes from test/fixtures/audio.ts. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

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
  // Decoded in a folder of its own: `file` may be a shared fixture.
  const dir = await tempDir('antenne-decoded-');
  const out = path.join(dir, 'decoded.wav');
  try {
    await ffmpegRun(['-i', file, '-map', '0:a:0', '-c:a', 'pcm_s16le', out]);
    return Number((await ffprobeJson(out)).format.duration);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
