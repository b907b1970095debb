/**
 * What the quality report needs to know of the original recording, measured in
 * the input pass that already decodes it (pure builders and parsers; the
 * pipeline adds these branches to its graph): long silences (`silencedetect`),
 * the RMS level of each channel and of their mono sum, and how many samples sit
 * at full scale (`volumedetect`: its histogram counts samples per dB below full
 * scale, a flat top of clipping lands in the first). volumedetect is ~10x
 * cheaper than astats for the same figures (docs/audio.md, "Quality report").
 */
import { DB_FLOOR, type AudioAnalysis } from '../core/quality.js';

export interface AnalysisOptions {
  readonly silenceThresholdDb: number;
  /** The shortest silence noted. */
  readonly minSilenceSeconds: number;
  /** A channel this much quieter than the other is dead: fold to the live one. */
  readonly deadChannelDb: number;
}

/** Names of the volumedetect instances (their log lines are prefixed with them). */
const METERS = { left: 'qleft', right: 'qright', sum: 'qsum', all: 'qall' } as const;

/**
 * Filter-graph chains that read the original (`[label]` as it comes out of the
 * decode guard, before any layout conversion) and end in sinks: nothing is written.
 */
export function analysisChains(
  label: string,
  channels: number,
  options: AnalysisOptions,
): string[] {
  const silence = `silencedetect=n=${options.silenceThresholdDb}dB:d=${options.minSilenceSeconds}`;
  if (channels !== 2) {
    return [
      `[${label}]asplit=2[${label}s][${label}v]`,
      `[${label}s]${silence},anullsink`,
      `[${label}v]volumedetect@${METERS.all},anullsink`,
    ];
  }
  return [
    `[${label}]aformat=channel_layouts=stereo,asplit=3[${label}s][${label}c][${label}m]`,
    `[${label}s]${silence},anullsink`,
    `[${label}c]channelsplit=channel_layout=stereo[${label}l][${label}r]`,
    `[${label}l]volumedetect@${METERS.left},anullsink`,
    `[${label}r]volumedetect@${METERS.right},anullsink`,
    `[${label}m]pan=mono|c0=0.5*c0+0.5*c1,volumedetect@${METERS.sum},anullsink`,
  ];
}

interface VolumeFigures {
  samples: number;
  meanDb: number;
  /** Samples in the top dB (0 to −1 dBFS). */
  topDb: number;
}

/** Collects the silences and volume figures from a run's stderr. */
export function analysisCollector() {
  const silences: { start: number; end: number }[] = [];
  let open: number | null = null;
  const volumes = new Map<string, VolumeFigures>();
  const number = (text: string) => (/^-?inf$/.test(text) ? DB_FLOOR : Number(text));
  return {
    onLine(line: string) {
      const start = /silence_start: (-?[\d.]+)/.exec(line);
      if (start) open = Math.max(0, Number(start[1]));
      const end = /silence_end: (-?[\d.]+)/.exec(line);
      // Bounded: a recording of many pauses keeps its first thousand.
      if (end && open !== null && silences.length < MAX_SILENCES) {
        silences.push({ start: open, end: Number(end[1]) });
        open = null;
      }
      const v =
        /\[volumedetect@(\w+) @ [^\]]*\] (n_samples|mean_volume|histogram_0db): (-?[\d.]+|-?inf)/.exec(
          line,
        );
      if (v) {
        // A graph configured twice prints an empty first summary: n_samples starts a new one.
        const figures =
          v[2] === 'n_samples' ? { samples: 0, meanDb: DB_FLOOR, topDb: 0 } : volumes.get(v[1]!);
        if (!figures) return;
        if (v[2] === 'n_samples') figures.samples = number(v[3]!);
        else if (v[2] === 'mean_volume') figures.meanDb = Math.max(DB_FLOOR, number(v[3]!));
        else figures.topDb = number(v[3]!);
        volumes.set(v[1]!, figures);
      }
    },
    /** The figures, with the fold decided (null: the meters printed nothing). */
    result(
      channels: number,
      options: AnalysisOptions,
      durationSeconds: number,
    ): AudioAnalysis | null {
      // A silence running to the end: ffmpeg 5.1 closes it at EOF, older ones may not.
      if (open !== null) silences.push({ start: open, end: durationSeconds });
      const left = volumes.get(METERS.left);
      const right = volumes.get(METERS.right);
      const sum = volumes.get(METERS.sum);
      const all = volumes.get(METERS.all);
      const stereo = channels === 2 && left && right && sum;
      const measured = stereo ? [left, right] : all ? [all] : [];
      if (!measured.length) return null;
      const samples = measured.reduce((n, v) => n + v.samples, 0);
      const top = measured.reduce((n, v) => n + v.topDb, 0);
      const rms = stereo ? [left.meanDb, right.meanDb] : null;
      return {
        version: 1,
        channels,
        silenceThresholdDb: options.silenceThresholdDb,
        minSilenceSeconds: options.minSilenceSeconds,
        silences: silences.map((s) => ({ start: round3(s.start), end: round3(s.end) })),
        nearFullScaleRatio: samples > 0 ? top / samples : null,
        channelRmsDb: rms,
        monoSumRmsDb: stereo ? sum.meanDb : null,
        folded: rms ? foldFor(rms, options.deadChannelDb) : null,
      };
    },
  };
}

const MAX_SILENCES = 1000;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The live channel when the other is dead or far quieter; null for a balanced (or silent) pair. */
export function foldFor(rmsDb: readonly number[], deadChannelDb: number): AudioAnalysis['folded'] {
  const [left, right] = rmsDb as [number, number];
  const gap = Math.abs(left - right);
  // Both dead is a silent recording (refused elsewhere), not a fold.
  if (gap < deadChannelDb || Math.max(left, right) <= DB_FLOOR + 1) return null;
  return { kept: left > right ? 'left' : 'right', quieterByDb: Math.round(gap * 10) / 10 };
}

/** The live channel on both sides (stereo ladder) or alone (mono ladder). */
export function foldFilter(kept: 'left' | 'right', ladderChannels: 1 | 2): string {
  const c = kept === 'left' ? 'c0' : 'c1';
  return ladderChannels === 1 ? `pan=mono|c0=${c}` : `pan=stereo|c0=${c}|c1=${c}`;
}
