/**
 * Loudness normalisation, as pure functions: parse ffmpeg's EBU R128 summary,
 * and plan the filter chain that brings a measured signal to the target.
 *
 * Why not `loudnorm` itself: its linear mode is exactly one gain of
 * (target − measured integrated), which `volume` applies at a fraction of the
 * cost (loudnorm resamples to 192 kHz: ~2.3x the whole pipeline's cost on this
 * machine, see docs/audio.md); and where linear mode is impossible loudnorm
 * silently switches to its dynamic mode, which can miss the target by more than
 * 1 LU. Here the same two passes are explicit: measure (ebur128, the same
 * BS.1770 meter), then gain; a peak limiter only when the gain would push the
 * true peak over the ceiling (its loudness loss measured and compensated), and
 * a speech leveler first when the loudness range is wide.
 */
import type { LoudnessFigures } from '../core/media-types.js';

/** Parses the last "Summary:" block that ffmpeg's ebur128 filter logs at the end of a run. */
export function parseEbur128Summary(lines: readonly string[]): LoudnessFigures | null {
  // ffmpeg may configure a filter graph twice and print an empty summary for the first: keep the last.
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/\bSummary:\s*$/.test(lines[i] ?? '')) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const values: Record<string, number> = {};
  let section = '';
  for (const raw of lines.slice(start + 1)) {
    const line = raw.trim();
    if (/^Integrated loudness:/.test(line)) section = 'i';
    else if (/^Loudness range:/.test(line)) section = 'lra';
    else if (/^(True|Sample) peak:/.test(line)) section = 'peak';
    const match = /^(I|Threshold|LRA|Peak):\s+(-?inf|-?\d+(?:\.\d+)?)\s/.exec(`${line} `);
    if (!match) continue;
    const value = /inf$/.test(match[2]!)
      ? match[2]!.startsWith('-')
        ? -Infinity
        : Infinity
      : Number(match[2]);
    const key = `${section}.${match[1]}`;
    if (!(key in values)) values[key] = value;
  }
  const integrated = values['i.I'];
  const lra = values['lra.LRA'];
  if (integrated === undefined || lra === undefined) return null;
  return {
    integrated,
    lra,
    truePeak: values['peak.Peak'] ?? -Infinity,
    threshold: values['i.Threshold'] ?? -70,
  };
}

export interface LoudnessTarget {
  /** LUFS integrated. */
  readonly integrated: number;
  /** dBTP ceiling. */
  readonly truePeak: number;
}

export interface PlanOptions {
  /** Wider than this (LU), the speech is leveled before the gain. */
  readonly levelAboveLra: number;
  /** Kept below the ceiling for the encoders' overshoot (MP3/AAC: ~0.2–0.5 dB). */
  readonly encoderHeadroomDb: number;
  /** Extra margin for the sample-peak limiter: inter-sample peaks run above sample peaks. */
  readonly limiterMarginDb: number;
  /** A gain this large means the recording is silence or noise. */
  readonly maxGainDb: number;
  /**
   * When set, the limiter runs at 4x this rate and the chain comes back to it: a
   * true-peak limiter (clicks' inter-sample peaks pass a sample-peak one), ~5x the
   * limiter's cost, so only for the safety net's second encode.
   */
  readonly oversampledLimiterRate?: number | undefined;
}

export const PLAN_DEFAULTS: PlanOptions = {
  levelAboveLra: 12,
  encoderHeadroomDb: 0.5,
  limiterMarginDb: 0.5,
  maxGainDb: 40,
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The filter that brings the channel layout to what the ladder's first profile needs. */
export function layoutFilter(channels: 1 | 2): string {
  return `aformat=channel_layouts=${channels === 1 ? 'mono' : 'stereo'}`;
}

/** Speech leveler: short windows so that a quiet guest comes up to the host's level. */
export const LEVELER_FILTER = 'dynaudnorm=f=400:g=15:p=0.9:m=20:t=0.002';

export function gainFilter(gainDb: number): string {
  return `volume=${round2(gainDb).toFixed(2)}dB`;
}

/** Lookahead peak limiter: no auto level, delay compensated (durations stay exact). */
export function limiterFilter(ceilingDb: number): string {
  const linear = Math.pow(10, ceilingDb / 20);
  return `alimiter=limit=${linear.toFixed(5)}:attack=5:release=50:level=0:latency=1`;
}

function limiterFilters(ceilingDb: number, oversampledRate: number | undefined): string[] {
  if (!oversampledRate) return [limiterFilter(ceilingDb)];
  return [
    `aresample=${oversampledRate * 4}`,
    limiterFilter(ceilingDb),
    `aresample=${oversampledRate}`,
  ];
}

export interface LoudnessChain {
  readonly mode: 'linear' | 'limited' | 'leveled';
  readonly leveled: boolean;
  readonly limited: boolean;
  readonly gainDb: number;
  /** Filters after the layout conversion, in order. */
  readonly filters: readonly string[];
}

/** Whether the recording is too wide to be normalised by a gain alone. */
export function needsLeveling(
  input: LoudnessFigures,
  options: PlanOptions = PLAN_DEFAULTS,
): boolean {
  return input.lra > options.levelAboveLra;
}

/**
 * The chain for a measured signal (`measured` is after the leveler when
 * `leveled`): a linear gain when the peaks allow it (loudnorm's linear mode),
 * otherwise gain + limiter. `correctionDb` adds what a measurement of the
 * limited chain showed the limiter took away.
 */
export function planChain(
  measured: LoudnessFigures,
  target: LoudnessTarget,
  leveled: boolean,
  correctionDb = 0,
  options: PlanOptions = PLAN_DEFAULTS,
): LoudnessChain {
  const gainDb = round2(target.integrated - measured.integrated + correctionDb);
  const ceiling = target.truePeak - options.encoderHeadroomDb;
  const limited = measured.truePeak + gainDb > ceiling;
  const filters = [
    ...(leveled ? [LEVELER_FILTER] : []),
    gainFilter(gainDb),
    ...(limited
      ? limiterFilters(ceiling - options.limiterMarginDb, options.oversampledLimiterRate)
      : []),
  ];
  return {
    mode: leveled ? 'leveled' : limited ? 'limited' : 'linear',
    leveled,
    limited,
    gainDb,
    filters,
  };
}

/** Target for a ladder whose enclosure has `channels`: the stereo target, 3 LU lower in mono. */
export function targetFor(
  channels: 1 | 2,
  stereoTargetLufs: number,
  truePeak: number,
  monoOffset = -3,
): LoudnessTarget {
  return {
    integrated: channels === 1 ? stereoTargetLufs + monoOffset : stereoTargetLufs,
    truePeak,
  };
}

/**
 * Filter that measures (ebur128, true peak) without logging each 100 ms frame at info
 * level; a `name` prefixes its summary in stderr (`[ebur128@name @ 0x…]`).
 */
export function meterFilter(truePeak = true, name?: string): string {
  return `ebur128${name ? `@${name}` : ''}=${truePeak ? 'peak=true:' : ''}framelog=verbose`;
}
