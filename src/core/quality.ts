/**
 * The quality report a desk editor reads before publishing: findings about the
 * recording (measured once by the worker: `AudioAnalysis`) and about what goes
 * out with it (artwork, summary, Apple's item rules), each with a severity and a
 * sentence. Pure: the report is derived from the stored measurements and the
 * episode as it is now, so editing a summary or a show's thresholds changes it
 * at once, without processing the audio again.
 */
import { z } from 'zod';

export const FINDING_CODES = [
  'dead-air',
  'clipping',
  'dead-channel',
  'phase-cancelled',
  'loudness-missed',
  'too-short',
  'artwork-missing',
  'artwork-invalid',
  'summary-empty',
  'apple-item',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = 'blocking' | 'warning';

export interface QualityFinding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** A sentence an editor understands (English; the studio words it from `code` and `data`). */
  readonly message: string;
  /** Where it is in the recording (seconds), when it has a place in time. */
  readonly at?: { readonly start: number; readonly end: number } | undefined;
  /** The figures the sentence quotes (e.g. `seconds`, `percent`), for translations. */
  readonly data?: Readonly<Record<string, number | string>> | undefined;
}

export interface QualityReport {
  readonly findings: readonly QualityFinding[];
  /** At least one blocking finding: publishing needs an override with a reason. */
  readonly blocking: boolean;
  /** False for recordings processed before the analysis existed (no audio findings then). */
  readonly analysed: boolean;
}

/** What the worker measures on the original, stored with the episode (JSON: no infinities). */
export interface AudioAnalysis {
  readonly version: 1;
  /** Channels of the original. */
  readonly channels: number;
  /** The level under which audio counted as silence (dBFS), and the shortest silence noted. */
  readonly silenceThresholdDb: number;
  readonly minSilenceSeconds: number;
  readonly silences: readonly { readonly start: number; readonly end: number }[];
  /** Share (0–1) of samples within 1 dB of full scale: flat tops of a clipped recording. */
  readonly nearFullScaleRatio: number | null;
  /** RMS level per channel (dBFS, floor −120), stereo originals only. */
  readonly channelRmsDb: readonly number[] | null;
  /** RMS level of the mono sum (L+R)/2 (dBFS, floor −120), stereo originals only. */
  readonly monoSumRmsDb: number | null;
  /** The channel the renditions were made from when the other one was dead or far quieter. */
  readonly folded: { readonly kept: 'left' | 'right'; readonly quieterByDb: number } | null;
}

export const DB_FLOOR = -120;

const severitySetting = z.enum(['blocking', 'warning', 'off']);

/** A show's thresholds as stored and sent: every field optional (the defaults fill in). */
export const qualitySettingsSchema = z
  .object({
    deadAirSeconds: z.number().min(2).max(600).describe('Silence longer than this is dead air'),
    silenceThresholdDb: z
      .number()
      .min(-90)
      .max(-20)
      .describe('Below this level (dBFS) the recording counts as silent (applies at processing)'),
    clippingPercent: z
      .number()
      .min(0)
      .max(100)
      .describe('Share of samples at full scale above which the original counts as clipped'),
    deadChannelDb: z
      .number()
      .min(6)
      .max(120)
      .describe(
        'A channel this much quieter than the other is dead: the renditions are made from the live one (applies at processing)',
      ),
    phaseCancelDb: z
      .number()
      .min(3)
      .max(120)
      .describe('Mono sum this much quieter than the channels: phase-cancelled stereo'),
    loudnessToleranceLu: z
      .number()
      .min(0.1)
      .max(10)
      .describe('How far from the target the output loudness may land'),
    minDurationSeconds: z.number().min(0).max(3600).describe('Shorter recordings are flagged'),
    severities: z
      .partialRecord(z.enum(FINDING_CODES), severitySetting)
      .describe('blocking, warning or off, per finding code'),
  })
  .partial()
  .strict();
export type QualitySettingsInput = z.infer<typeof qualitySettingsSchema>;

export interface QualitySettings {
  readonly deadAirSeconds: number;
  readonly silenceThresholdDb: number;
  readonly clippingPercent: number;
  readonly deadChannelDb: number;
  readonly phaseCancelDb: number;
  readonly loudnessToleranceLu: number;
  readonly minDurationSeconds: number;
  readonly severities: Readonly<Record<FindingCode, Severity | 'off'>>;
}

export const DEFAULT_QUALITY_SETTINGS: QualitySettings = {
  deadAirSeconds: 10,
  silenceThresholdDb: -50,
  clippingPercent: 0.1,
  deadChannelDb: 20,
  phaseCancelDb: 10,
  loudnessToleranceLu: 1,
  minDurationSeconds: 10,
  severities: {
    'dead-air': 'blocking',
    clipping: 'warning',
    // Already repaired by the fold: said, not blocking.
    'dead-channel': 'warning',
    'phase-cancelled': 'blocking',
    'loudness-missed': 'warning',
    'too-short': 'warning',
    // A show-wide gap (the feed check calls it an error): it should not hold back
    // one interview's publication unless the show asks for that.
    'artwork-missing': 'warning',
    'artwork-invalid': 'blocking',
    'summary-empty': 'warning',
    'apple-item': 'blocking',
  },
};

/** The show's stored thresholds over the defaults. */
export function effectiveQualitySettings(
  stored: QualitySettingsInput | null | undefined,
): QualitySettings {
  const { severities, ...rest } = stored ?? {};
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return {
    ...DEFAULT_QUALITY_SETTINGS,
    ...defined,
    severities: { ...DEFAULT_QUALITY_SETTINGS.severities, ...severities },
  };
}

/** The shortest silence the worker notes: below the dead-air threshold nothing is reported. */
export const MIN_SILENCE_NOTED_SECONDS = 2;

/**
 * What the worker measures of an original (processing or correction), with the
 * show's thresholds that apply at processing.
 */
export function analysisOptions(
  stored: QualitySettingsInput | null | undefined,
  inputChannels: number,
) {
  const settings = effectiveQualitySettings(stored);
  return {
    inputChannels,
    silenceThresholdDb: settings.silenceThresholdDb,
    // Silences shorter than the dead-air threshold are noted too (from 2 s, its lowest
    // value), so that lowering it later finds them without processing again.
    minSilenceSeconds: MIN_SILENCE_NOTED_SECONDS,
    deadChannelDb: settings.deadChannelDb,
  };
}

/** "1:05" / "12:04" for sentences. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

type Draft = Omit<QualityFinding, 'severity'> & { severity?: Severity };

/** Applies the show's severity for each finding's code; `off` drops it. */
function withSeverities(drafts: readonly Draft[], settings: QualitySettings): QualityFinding[] {
  const out: QualityFinding[] = [];
  for (const d of drafts) {
    const setting = settings.severities[d.code];
    if (setting === 'off') continue;
    // A finding that is only ever a warning (e.g. an Apple recommendation) stays one.
    const severity = d.severity === 'warning' ? 'warning' : setting;
    out.push({ ...d, severity });
  }
  return out;
}

/** The measured loudness of the renditions and the target they were brought to. */
export interface LoudnessOutcome {
  readonly target: { readonly integrated: number; readonly truePeak: number };
  readonly output: { readonly integrated: number; readonly truePeak: number };
}

/** Findings about the recording: what the worker measured, read with the show's thresholds. */
export function audioFindings(
  analysis: AudioAnalysis | null,
  loudness: LoudnessOutcome | null,
  durationSeconds: number | null,
  settings: QualitySettings,
): QualityFinding[] {
  const drafts: Draft[] = [];
  if (durationSeconds !== null && durationSeconds < settings.minDurationSeconds) {
    drafts.push({
      code: 'too-short',
      message: `The recording lasts only ${round1(durationSeconds)} s (the show expects at least ${settings.minDurationSeconds} s): check that the right file was uploaded.`,
      at: { start: 0, end: round1(durationSeconds) },
      data: { seconds: round1(durationSeconds), min: settings.minDurationSeconds },
    });
  }
  if (analysis) {
    for (const s of analysis.silences) {
      const seconds = round1(s.end - s.start);
      if (seconds < settings.deadAirSeconds) continue;
      drafts.push({
        code: 'dead-air',
        message: `${seconds} s of silence from ${clock(s.start)} to ${clock(s.end)}: dead air, cut it or check the recording.`,
        at: { start: round1(s.start), end: round1(s.end) },
        data: { seconds, from: clock(s.start), to: clock(s.end) },
      });
    }
    if (
      analysis.nearFullScaleRatio !== null &&
      analysis.nearFullScaleRatio * 100 > settings.clippingPercent
    ) {
      const percent = Math.round(analysis.nearFullScaleRatio * 100 * 100) / 100;
      drafts.push({
        code: 'clipping',
        message: `The original recording is clipped: ${percent} % of its samples are at full scale, which sounds distorted and cannot be repaired here.`,
        data: { percent },
      });
    }
    if (analysis.folded) {
      const dead = analysis.folded.kept === 'left' ? 'right' : 'left';
      drafts.push({
        code: 'dead-channel',
        message: `The ${dead} channel is silent or far quieter (${round1(analysis.folded.quieterByDb)} dB): a dead microphone? The renditions were made from the ${analysis.folded.kept} channel only, heard on both sides.`,
        data: {
          dead,
          kept: analysis.folded.kept,
          db: round1(analysis.folded.quieterByDb),
        },
      });
    } else if (analysis.channelRmsDb && analysis.monoSumRmsDb !== null) {
      const loudest = Math.max(...analysis.channelRmsDb);
      const drop = loudest - analysis.monoSumRmsDb;
      if (loudest > DB_FLOOR && drop > settings.phaseCancelDb) {
        drafts.push({
          code: 'phase-cancelled',
          message: `The two channels cancel each other out (mono sum ${round1(drop)} dB quieter): one is phase-inverted, so smart speakers and mono phones will hear almost nothing. Fix the polarity and upload again.`,
          data: { db: round1(drop) },
        });
      }
    }
  }
  if (loudness) {
    const miss = loudness.output.integrated - loudness.target.integrated;
    const overPeak = loudness.output.truePeak - loudness.target.truePeak;
    if (Math.abs(miss) > settings.loudnessToleranceLu || overPeak > 0.1) {
      drafts.push({
        code: 'loudness-missed',
        message: `The renditions are at ${round1(loudness.output.integrated)} LUFS (true peak ${round1(loudness.output.truePeak)} dBTP) for a target of ${round1(loudness.target.integrated)} LUFS (≤ ${round1(loudness.target.truePeak)} dBTP): they will sound ${miss < 0 ? 'quieter' : 'louder'} than other episodes.`,
        data: {
          output: round1(loudness.output.integrated),
          target: round1(loudness.target.integrated),
          truePeak: round1(loudness.output.truePeak),
        },
      });
    }
  }
  return withSeverities(drafts, settings);
}

/** What the editorial checks read of the episode and its show, as they are now. */
export interface EditorialFacts {
  readonly summary: string;
  /** The show's artwork: none, a checked file (problem when it breaks Apple's rules), or a remote URL. */
  readonly artwork:
    | { readonly kind: 'none' }
    | { readonly kind: 'stored'; readonly problem: ArtworkFault | null }
    | { readonly kind: 'url' };
  /** What the feed check says of the episode's item (errors and warnings). */
  readonly appleItem: readonly {
    readonly severity: 'error' | 'warning';
    readonly message: string;
    /** The rule's stable name and figures (the feed check's), for translations. */
    readonly rule?: string | undefined;
    readonly data?: Readonly<Record<string, string | number>> | undefined;
  }[];
}

/** Why the stored artwork breaks Apple's rule: the English sentence, a reason and its figures. */
export interface ArtworkFault {
  readonly message: string;
  /** unreadable, format, not-square, size (the artwork check's), or stored-unreadable. */
  readonly reason: string;
  readonly data?: Readonly<Record<string, string | number>> | undefined;
}

export function editorialFindings(
  facts: EditorialFacts,
  settings: QualitySettings,
): QualityFinding[] {
  const drafts: Draft[] = [];
  if (facts.artwork.kind === 'none') {
    drafts.push({
      code: 'artwork-missing',
      message:
        'The show has no artwork: Apple Podcasts refuses feeds without a square image. Upload one in the show’s settings.',
    });
  } else if (facts.artwork.kind === 'stored' && facts.artwork.problem) {
    drafts.push({
      code: 'artwork-invalid',
      message: `The show’s artwork breaks Apple’s rules: ${facts.artwork.problem.message}`,
      // The figures first: `problem` and `reason` are what the studio words it from.
      data: {
        ...facts.artwork.problem.data,
        problem: facts.artwork.problem.message,
        reason: facts.artwork.problem.reason,
      },
    });
  }
  if (!stripTags(facts.summary).trim()) {
    drafts.push({
      code: 'summary-empty',
      message:
        'The summary is empty: podcast apps will show the title only. Write a sentence or two about the interview.',
    });
  }
  for (const p of facts.appleItem) {
    drafts.push({
      code: 'apple-item',
      message: `Apple Podcasts: ${p.message}`,
      // `rule` names it (the studio words it from the name and figures); `text` is the sentence.
      data: { ...p.data, rule: p.rule ?? 'unknown', text: p.message },
      ...(p.severity === 'warning' ? { severity: 'warning' as const } : {}),
    });
  }
  return withSeverities(drafts, settings);
}

const stripTags = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ');

export function qualityReport(
  findings: readonly QualityFinding[],
  analysed: boolean,
): QualityReport {
  return { findings, blocking: findings.some((f) => f.severity === 'blocking'), analysed };
}

/** An editor's decision to publish despite blocking findings: who, when, why, over what. */
export interface QualityOverride {
  readonly reason: string;
  readonly by: {
    readonly kind: 'user' | 'token';
    readonly id: string | null;
    readonly name: string;
  };
  readonly at: string;
  /** The codes of the blocking findings it overrode. */
  readonly findings: readonly FindingCode[];
}

export const overrideSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(5, 'say why the episode goes out despite the report (at least 5 characters)')
      .max(1000),
  })
  .strict();
