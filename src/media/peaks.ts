/**
 * Waveform peaks for the player, in BBC audiowaveform JSON (version 2): one
 * min/max pair per `samples_per_pixel` samples, 8-bit. Computed by the worker
 * from a mono 8 kHz PCM stream ffmpeg writes beside the renditions (one decode),
 * folded chunk by chunk so memory stays flat for a 3-hour interview.
 */
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import type { FfmpegOutput } from './ffmpeg.js';

export const PEAKS_SAMPLE_RATE = 8000;
/** 80 samples at 8 kHz: one pixel per 10 ms. */
export const PEAKS_SAMPLES_PER_PIXEL = 80;

export interface WaveformJson {
  version: 2;
  channels: 1;
  sample_rate: number;
  samples_per_pixel: number;
  bits: 8;
  length: number;
  data: number[];
}

/** Output options that turn an audio stream into raw signed 16-bit mono PCM at 8 kHz. */
export function peaksPcmOptions(): string[] {
  return ['-ac', '1', '-ar', String(PEAKS_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 's16le'];
}

/** The extra ffmpeg output that feeds the peaks, straight from the input's audio. */
export function peaksPcmOutput(path: string): FfmpegOutput {
  return { path, options: ['-map', '0:a:0', '-vn', ...peaksPcmOptions()] };
}

/** Folds 16-bit little-endian samples into 8-bit min/max pairs. */
export class PeaksAccumulator {
  private readonly data: number[] = [];
  private carry: Buffer | null = null;
  private count = 0;
  private min = 0;
  private max = 0;

  constructor(private readonly samplesPerPixel = PEAKS_SAMPLES_PER_PIXEL) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    const usable = buf.length - (buf.length % 2);
    for (let offset = 0; offset < usable; offset += 2) {
      const sample = buf.readInt16LE(offset);
      if (this.count === 0) {
        this.min = sample;
        this.max = sample;
      } else {
        if (sample < this.min) this.min = sample;
        if (sample > this.max) this.max = sample;
      }
      if (++this.count === this.samplesPerPixel) this.flush();
    }
    if (usable < buf.length) this.carry = buf.subarray(usable);
  }

  private flush(): void {
    // 16 → 8 bits by an arithmetic shift: -32768..32767 → -128..127.
    this.data.push(this.min >> 8, this.max >> 8);
    this.count = 0;
  }

  finish(sampleRate = PEAKS_SAMPLE_RATE): WaveformJson {
    if (this.count > 0) this.flush();
    return {
      version: 2,
      channels: 1,
      sample_rate: sampleRate,
      samples_per_pixel: this.samplesPerPixel,
      bits: 8,
      length: this.data.length / 2,
      data: this.data,
    };
  }
}

export async function peaksFromPcmFile(pcmPath: string): Promise<WaveformJson> {
  const acc = new PeaksAccumulator();
  for await (const chunk of createReadStream(pcmPath, { highWaterMark: 1 << 20 }))
    acc.push(chunk as Buffer);
  return acc.finish();
}

/**
 * At most this many bars in the player's set. The embed draws one bar per 3
 * device pixels: a 640-pixel player on a 2× screen draws about 210, a
 * 2,560-device-pixel one 850. About 7 kB of JSON (3 kB compressed) whatever the length.
 */
export const PLAYER_PEAKS_MAX_BARS = 1000;

/**
 * The player's set: the same format with whole full-resolution pixels merged k
 * at a time (min of mins, max of maxes, so no peak is lost), k the smallest
 * that gives at most `maxBars` bars. A set already that short is kept as is.
 */
export function playerPeaks(
  full: Pick<WaveformJson, 'sample_rate' | 'samples_per_pixel' | 'length' | 'data'>,
  maxBars = PLAYER_PEAKS_MAX_BARS,
): WaveformJson {
  const factor = Math.max(1, Math.ceil(full.length / maxBars));
  const data: number[] = [];
  for (let from = 0; from < full.length; from += factor) {
    const to = Math.min(full.length, from + factor);
    let min = full.data[2 * from]!;
    let max = full.data[2 * from + 1]!;
    for (let p = from + 1; p < to; p++) {
      min = Math.min(min, full.data[2 * p]!);
      max = Math.max(max, full.data[2 * p + 1]!);
    }
    data.push(min, max);
  }
  return {
    version: 2,
    channels: 1,
    sample_rate: full.sample_rate,
    samples_per_pixel: full.samples_per_pixel * factor,
    bits: 8,
    length: data.length / 2,
    data,
  };
}

const storedWaveform = z.object({
  version: z.literal(2),
  channels: z.literal(1),
  sample_rate: z.number().int().positive(),
  samples_per_pixel: z.number().int().positive(),
  bits: z.literal(8),
  length: z.number().int().nonnegative(),
  data: z.array(z.number().int().min(-128).max(127)),
});

/** A stored peaks file, as this module writes it; throws on anything else. */
export function parseWaveformJson(text: string): WaveformJson {
  const parsed = storedWaveform.parse(JSON.parse(text));
  if (parsed.data.length !== 2 * parsed.length) throw new Error('peaks: data is not 2 × length');
  return parsed;
}
