/**
 * The audio pipeline for one master file, from measurement to encoded files:
 *
 *   1. the input pass (ebur128, true peak) in the enclosure's channel layout; it
 *      also finds how long the audio really is (samples decoded, stopped a second
 *      past the duration limit) and whether it decodes cleanly, and refuses it if
 *      not (see validate-input.ts): the header is not believed. With two cores it
 *      runs as two processes, the true-peak meter split by time between them; from
 *      2 minutes on, the same decode writes the limiter probes' sample (6 s in
 *      every minute, float WAV) and measures it;
 *   2. if the loudness range is wide, measure again after the speech leveler (and
 *      take the sample there, after the leveler);
 *   3. plan: linear gain, or gain + limiter (then measure the limited chain at two
 *      gains on the sample, against the sample without the chain, and correct the
 *      gain by what the limiter took away);
 *   4. encode the ladder as ≤ `parallelism` ffmpeg processes, each decoding the
 *      master once and splitting the processed signal to its encoders; one of them
 *      also meters it whole (loudness and true peak: the "after" figures), one
 *      writes the PCM for the waveform peaks. Which process carries the meter is
 *      learned from the processes' own times (encode-balance.ts): the codecs'
 *      costs depend on the CPU;
 *   5. safety net: the after figures are the whole program's; if a limited chain
 *      missed the loudness (the sample misled) or the true-peak ceiling, measure
 *      the whole program at a corrected gain and encode again.
 *
 * So one pass over the input before the encodes (two with the leveler), split
 * over the cores, and the probes on a tenth of the program: see docs/audio.md.
 */
import type { Chapter } from '../core/chapters.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import { recordFfmpeg } from '../metrics/registry.js';
import type { LoudnessFigures, LoudnessReport, RenditionProfile } from '../core/media-types.js';
import {
  FfmpegError,
  parseProgressTime,
  runFfmpeg,
  type FfmpegInvocation,
  type RunOptions,
} from './ffmpeg.js';
import {
  PLAN_DEFAULTS,
  layoutFilter,
  LEVELER_FILTER,
  needsLeveling,
  parseEbur128Summary,
  planChain,
  type LoudnessChain,
  type LoudnessTarget,
  type PlanOptions,
} from './loudness.js';
import {
  analysisInvocation,
  chapterSpans,
  encodeGroupInvocation,
  encoderHeadroomDb,
  ffmetadataFor,
  FLOAT_WAV_OPTIONS,
  meterSpans,
  oggChapterSpans,
  planEncodeGroups,
  type FileBranch,
  type MeterBranch,
  type RenditionTags,
} from './profiles.js';
import { assertDecodedAudio, decodeFailure, silentRecording } from './validate-input.js';
import type { AudioAnalysis } from '../core/quality.js';
import { analysisChains, analysisCollector, foldFilter, type AnalysisOptions } from './analysis.js';
import { encodeSignature, type EncodeBalance, type EncodePlan } from './encode-balance.js';

/** Podcasting 2.0 chapters, as the episode stores them (what the files carry of them). */
export type ChapterInput = Pick<Chapter, 'startTime' | 'endTime' | 'title'>;

export interface PipelineInput {
  readonly input: string;
  /** What the header says (progress estimate, and the "incomplete" check); null when unknown. */
  readonly declaredDurationSeconds: number | null;
  /** Longer decoded audio is refused; decoding stops a second past it. */
  readonly maxDurationSeconds?: number | undefined;
  /** Where outputs are written (the job's temp dir). */
  readonly dir: string;
  readonly ladder: readonly RenditionProfile[];
  readonly target: LoudnessTarget;
  readonly tags: RenditionTags;
  /** Written into the renditions, clipped to the decoded audio. */
  readonly chapters?: readonly ChapterInput[] | undefined;
  readonly artworkFile?: string | undefined;
  readonly parallelism: number;
  readonly plan?: PlanOptions;
  /**
   * The quality analysis of the original (silences, channel levels, full-scale
   * samples), in the input pass; with a stereo original whose channel is dead,
   * the renditions are made from the live one. Omitted: no analysis.
   */
  readonly analysis?: (AnalysisOptions & { readonly inputChannels: number }) | undefined;
  /**
   * Which encode process carries the output meter, learned from their times
   * (encode-balance.ts). Omitted: the cost table's lightest process.
   */
  readonly balance?: EncodeBalance | undefined;
}

/** How each ffmpeg run goes; `onProgress` is 0–100 over the whole pipeline. */
export type PipelineRuntime = Pick<
  RunOptions,
  'ffmpegPath' | 'timeoutMs' | 'signal' | 'logger' | 'onProgress'
>;

export interface PipelineResult {
  /** Length of the decoded input. */
  readonly durationSeconds: number;
  readonly outputs: readonly { profile: RenditionProfile; path: string }[];
  readonly peaksPcmPath: string;
  readonly loudness: LoudnessReport;
  /** The processing chain the encoders got (layout conversion first). */
  readonly filters: readonly string[];
  /** Measuring passes over the whole program (the input pass counts once, split or not). */
  readonly measurePasses: number;
  /** Limiter probes run on the sample instead of the whole program. */
  readonly sampleProbes: number;
  /** 1, or 2 when the safety net encoded again. */
  readonly encodes: number;
  /** The quality analysis of the original (null when not asked for, or not printed). */
  readonly analysis: AudioAnalysis | null;
  /** Which encode process carried the output meter. */
  readonly encodePlan: EncodePlan;
}

/** Share of the progress bar for the measuring passes; the encodes get the rest up to 100. */
const MEASURE_SHARE = 10;

/** Second gain tried when measuring what the limiter takes (dB above the plain gain). */
const CORRECTION_PROBE_DB = 1;

/**
 * From this length on, what the limiter takes is measured on a sample of the program
 * (6 s in every minute, a tenth) that the input pass writes, rather than on all of it:
 * the probes then read a tenth of the program and decode nothing.
 */
export const SAMPLED_PROBES_FROM_SECONDS = 120;
export const PROBE_SAMPLE_FILTERS: readonly string[] = [
  "aselect='lt(mod(t,60),6)'",
  'asetpts=N/SR/TB',
];

/** From this declared length on (and with ≥ 2 processes), the input pass is split in two. */
export const SPLIT_INPUT_PASS_FROM_SECONDS = 60;

/** How far the after figures may land from the target before the safety net encodes again. */
export const OUTPUT_TOLERANCE_LU = 0.5;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Next gain correction from the (correction → loudness) points measured so far. */
export function nextCorrection(
  points: readonly { correction: number; integrated: number }[],
  error: number,
): number {
  const last = points[points.length - 1]!;
  const previous = points[points.length - 2];
  let slope = 1;
  if (previous && last.correction !== previous.correction) {
    slope = (last.integrated - previous.integrated) / (last.correction - previous.correction);
  }
  // A limiter passes between 20 % and 100 % of a gain change through.
  slope = Math.min(1, Math.max(0.2, slope));
  return Math.round((last.correction + error / slope) * 100) / 100;
}

/**
 * Collects the summaries of named ebur128 instances (`[ebur128@name @ 0x…] Summary:`)
 * from a run's stderr; ffmpeg prints them one after the other as the graph ends.
 */
export function namedSummariesCollector() {
  const blocks = new Map<string, string[]>();
  let current: string[] | null = null;
  return {
    onLine: (line: string) => {
      const header = /\[ebur128@([\w-]+) @ [^\]]*\] Summary:\s*$/.exec(line);
      if (header) {
        // The last summary of a name wins (a graph configured twice prints an empty one first).
        current = [line];
        blocks.set(header[1]!, current);
      } else if (current && current.length < 40) {
        current.push(line);
      }
    },
    result: (name: string): LoudnessFigures | null => {
      const block = blocks.get(name);
      return block ? parseEbur128Summary(block) : null;
    },
  };
}

/** The loudness of one meter with the highest true peak of the meters that split it by time. */
export function withTruePeak(
  loudness: LoudnessFigures,
  spans: readonly (LoudnessFigures | null)[],
): LoudnessFigures {
  if (!spans.length) return loudness;
  return { ...loudness, truePeak: Math.max(...spans.map((s) => s?.truePeak ?? -Infinity)) };
}

/**
 * The first filters of the input's measuring pass: timestamps from the count of
 * decoded samples (what the audio is, whatever the container says), and a stop
 * one second past the limit so that a lying header cannot make us decode hours.
 */
export function decodeGuardFilters(maxDurationSeconds: number | undefined): string[] {
  return [
    'asetpts=N/SR/TB',
    ...(maxDurationSeconds !== undefined && Number.isFinite(maxDurationSeconds)
      ? [`atrim=end=${maxDurationSeconds + 1}`]
      : []),
  ];
}

/**
 * Collects, from a run's stderr, how much audio came out (the `time=` of the
 * last statistics line, which ffmpeg prints when it ends) and the decode errors.
 */
export function decodedAudioCollector() {
  let seconds = 0;
  let decodeErrors = 0;
  const errorLines: string[] = [];
  return {
    onLine: (line: string) => {
      // Statistics lines only: a tag printed with the input could read "time=…".
      const time = /^\s*size=/.test(line) ? parseProgressTime(line) : null;
      if (time !== null) seconds = time;
      if (/^Error while decoding stream/.test(line)) {
        decodeErrors++;
        if (errorLines.length < 5) errorLines.push(line);
      }
    },
    result: () => ({ seconds, decodeErrors, errorLines }),
  };
}

/** ffmpeg failing on the content itself (not on the machine) is bad input: no retry can help. */
export async function runDecoding(
  invocation: FfmpegInvocation,
  options: Parameters<typeof runFfmpeg>[1],
): Promise<void> {
  try {
    await runFfmpeg(invocation, options);
  } catch (error) {
    if (error instanceof FfmpegError && error.reason === 'failed') {
      throw decodeFailure(error.stderrTail) ?? error;
    }
    throw error;
  }
}

/**
 * Runs processes side by side; if one fails the others are stopped at once, and
 * every one has exited before this settles (the temp dir can go). The error is the
 * cause, not a sibling we stopped because of it (the earliest run's first).
 */
async function runTogether(
  runs: readonly ((signal: AbortSignal) => Promise<void>)[],
  parent: AbortSignal | undefined,
): Promise<void> {
  const siblings = new AbortController();
  const onParentAbort = () => siblings.abort(parent?.reason);
  parent?.addEventListener('abort', onParentAbort, { once: true });
  let settled: PromiseSettledResult<void>[];
  try {
    settled = await Promise.allSettled(
      runs.map((run) =>
        run(siblings.signal).catch((error: unknown) => {
          siblings.abort('sibling-failed');
          throw error;
        }),
      ),
    );
  } finally {
    parent?.removeEventListener('abort', onParentAbort);
  }
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length) {
    throw (
      failures.find((e) => !(e instanceof FfmpegError && e.reason === 'aborted')) ?? failures[0]
    );
  }
}

export async function processMaster(
  spec: PipelineInput,
  runtime: PipelineRuntime,
): Promise<PipelineResult> {
  const started = performance.now();
  // The ceiling leaves room for the encoder of the ladder that overshoots most.
  const plan = spec.plan ?? {
    ...PLAN_DEFAULTS,
    encoderHeadroomDb: Math.max(...spec.ladder.map(encoderHeadroomDb)),
  };
  const enclosure = spec.ladder[0];
  if (!enclosure) throw new Error('An empty rendition ladder');
  // The channel layout conversion; a fold to the live channel goes before it (see step 1).
  let layout = layoutFilter(enclosure.channels);
  let base = {
    ffmpegPath: runtime.ffmpegPath,
    timeoutMs: runtime.timeoutMs,
    signal: runtime.signal,
    cwd: spec.dir,
    logger: runtime.logger,
    inputDurationSeconds: spec.declaredDurationSeconds ?? undefined,
  };
  let shown = 0;
  // Monotonic: a second encode (the safety net) does not move the bar back.
  const progress = (p: number) => {
    shown = Math.max(shown, Math.max(0, Math.min(100, p)));
    runtime.onProgress?.(shown);
  };
  const declared = spec.declaredDurationSeconds ?? 0;
  const parallel = spec.parallelism >= 2;

  let measurePasses = 0;
  let sampleProbes = 0;
  /** One analysing run; `meters` name the summaries it returns. */
  const analyse = async (
    invocation: FfmpegInvocation,
    names: readonly string[],
    signal: AbortSignal | undefined,
    onProgress?: (p: number) => void,
    onLine?: (line: string) => void,
  ) => {
    const collector = namedSummariesCollector();
    await runDecoding(invocation, {
      ...base,
      signal,
      onStderrLine: (line) => {
        collector.onLine(line);
        onLine?.(line);
      },
      onProgress,
    });
    // A meter whose branch got no audio (a span past the end of a short file) prints nothing.
    return names.map((name) => collector.result(name));
  };
  const need = (figures: LoudnessFigures | null | undefined, name: string) => {
    if (!figures) throw new Error(`ffmpeg did not print the loudness summary "${name}"`);
    return figures;
  };

  // 1: the input pass, split by time over two processes for the true-peak meter.
  const guard = decodeGuardFilters(spec.maxDurationSeconds);
  const wantSample = declared >= SAMPLED_PROBES_FROM_SECONDS;
  const split = parallel && declared >= SPLIT_INPUT_PASS_FROM_SECONDS;
  const samplePath = path.join(spec.dir, 'probe-sample.wav');
  const sampleMeters: MeterBranch[] = wantSample
    ? [{ name: 'sample', truePeak: false, select: PROBE_SAMPLE_FILTERS }]
    : [];
  const sampleFiles: FileBranch[] = wantSample
    ? [{ path: samplePath, select: PROBE_SAMPLE_FILTERS, options: FLOAT_WAV_OPTIONS }]
    : [];
  const spans = split ? meterSpans(declared, 2) : [];
  const decoding = decodedAudioCollector();
  const inspecting = analysisCollector();
  const analysisSpec = spec.analysis;
  let input!: LoudnessFigures;
  let sampleReference: LoudnessFigures | null = null;
  /** The input pass in a layout; `inspect` adds the quality analysis of the original. */
  const inputPass = async (layoutChain: string, inspect: boolean) => {
    measurePasses++;
    let secondSpan: LoudnessFigures | null = null;
    const inspectBranches =
      inspect && analysisSpec
        ? {
            after: guard.length,
            chains: (label: string) =>
              analysisChains(label, analysisSpec.inputChannels, analysisSpec),
          }
        : undefined;
    const firstPass = [
      async (signal: AbortSignal) => {
        const meters: MeterBranch[] = [
          { name: 'input', truePeak: !split },
          ...(split ? [{ name: 'tp0', truePeak: true, select: spans[0] }] : []),
          ...(split ? [] : sampleMeters),
        ];
        const figures = await analyse(
          analysisInvocation(
            spec.input,
            [...guard, layoutChain],
            meters,
            split ? [] : sampleFiles,
            split ? undefined : inspectBranches,
          ),
          meters.map((m) => m.name),
          signal,
          (p) => progress((MEASURE_SHARE * 0.5 * p) / 100),
          (line) => {
            decoding.onLine(line);
            if (inspectBranches && !split) inspecting.onLine(line);
          },
        );
        input = withTruePeak(need(figures[0], 'input'), split ? [figures[1] ?? null] : []);
        if (!split && wantSample) sampleReference = figures[1] ?? null;
      },
    ];
    if (split) {
      firstPass.push(async (signal: AbortSignal) => {
        const meters: MeterBranch[] = [
          { name: 'tp1', truePeak: true, select: spans[1] },
          ...sampleMeters,
        ];
        // The quality analysis goes with this process, which meters half the program
        // while the first meters all of it: the two end closer together.
        const figures = await analyse(
          analysisInvocation(
            spec.input,
            [...guard, layoutChain],
            meters,
            sampleFiles,
            inspectBranches,
          ),
          meters.map((m) => m.name),
          signal,
          undefined,
          (line) => {
            if (inspectBranches) inspecting.onLine(line);
          },
        );
        secondSpan = figures[0] ?? null;
        if (wantSample) sampleReference = figures[1] ?? null;
      });
    }
    await runTogether(firstPass, runtime.signal);
    // The second span's true peak joins the first's.
    if (secondSpan) input = withTruePeak(input, [input, secondSpan]);
  };
  await inputPass(layout, true);
  const decoded = decoding.result();
  if (decoded.decodeErrors) {
    runtime.logger?.warn(
      { decodeErrors: decoded.decodeErrors, lines: decoded.errorLines },
      'ffmpeg reported decode errors',
    );
  }
  runtime.logger?.info(
    { declaredSeconds: spec.declaredDurationSeconds, decodedSeconds: decoded.seconds },
    'input decoded',
  );
  assertDecodedAudio(decoded, {
    declaredSeconds: spec.declaredDurationSeconds,
    maxSeconds: spec.maxDurationSeconds ?? Infinity,
  });
  const durationSeconds = decoded.seconds;
  base = { ...base, inputDurationSeconds: durationSeconds };
  const analysis = analysisSpec
    ? inspecting.result(analysisSpec.inputChannels, analysisSpec, durationSeconds)
    : null;
  if (analysis?.folded) {
    // A dead channel (a lavalier that failed): the renditions come from the live one,
    // so the loudness is measured again in that layout. Rare, so the common case pays
    // nothing for it.
    layout = `${foldFilter(analysis.folded.kept, enclosure.channels)},${layout}`;
    runtime.logger?.warn({ folded: analysis.folded }, 'one channel is dead: folding to the other');
    await inputPass(layout, false);
  }
  if (
    !Number.isFinite(input.integrated) ||
    spec.target.integrated - input.integrated > plan.maxGainDb
  ) {
    throw silentRecording(input.integrated);
  }

  // 2–3: plan.
  const leveled = needsLeveling(input, plan);
  let beforeGain = input;
  if (leveled) {
    // The leveler's windows must see the whole program: the sample is taken after it.
    measurePasses++;
    const meters: MeterBranch[] = [{ name: 'leveled', truePeak: true }, ...sampleMeters];
    const figures = await analyse(
      analysisInvocation(spec.input, [...guard, layout, LEVELER_FILTER], meters, sampleFiles),
      meters.map((m) => m.name),
      runtime.signal,
      (p) => progress(MEASURE_SHARE * (0.5 + (0.25 * p) / 100)),
    );
    beforeGain = need(figures[0], 'leveled');
    sampleReference = wantSample ? (figures[1] ?? null) : null;
  }
  // A header that said "long" for a short program: the sample is too small to trust.
  const sampled = sampleReference !== null && durationSeconds >= SAMPLED_PROBES_FROM_SECONDS;
  /** The whole program through a chain (its leveler included), measured without true peak. */
  const measureWhole = async (probe: LoudnessChain, signal: AbortSignal) => {
    measurePasses++;
    const [figures] = await analyse(
      analysisInvocation(
        spec.input,
        [layout, ...probe.filters],
        [{ name: 'probe', truePeak: false }],
      ),
      ['probe'],
      signal,
    );
    return need(figures, 'probe');
  };
  /** The whole program at several gain corrections, one process each, side by side. */
  const measureWholeAt = async (corrections: readonly number[], probePlan: PlanOptions) => {
    const measured: LoudnessFigures[] = [];
    await runTogether(
      corrections.map((c, i) => async (signal: AbortSignal) => {
        measured[i] = await measureWhole(
          planChain(beforeGain, spec.target, leveled, c, probePlan),
          signal,
        );
      }),
      runtime.signal,
    );
    return measured;
  };
  let chain = planChain(beforeGain, spec.target, leveled, 0, plan);
  let correction = 0;
  if (chain.limited) {
    // The limiter lowers the integrated loudness, more as the gain grows: measure the
    // limited chain at two gains at once (one process per core), then interpolate.
    const probes = [0, CORRECTION_PROBE_DB].map((c) =>
      planChain(beforeGain, spec.target, leveled, c, plan),
    );
    const measured: LoudnessFigures[] = [];
    await runTogether(
      probes.map((probe, i) => async (signal: AbortSignal) => {
        if (sampled) {
          // The sample is already leveled: gain and limiter only.
          sampleProbes++;
          const [figures] = await analyse(
            analysisInvocation(
              samplePath,
              probe.filters.filter((f) => f !== LEVELER_FILTER),
              [{ name: 'probe', truePeak: false }],
            ),
            ['probe'],
            signal,
          );
          measured[i] = need(figures, 'probe');
        } else {
          measured[i] = await measureWhole(probe, signal);
        }
      }),
      runtime.signal,
    );
    progress(MEASURE_SHARE);
    // On the sample, the change the chain makes there, added to the full measurement,
    // is the full program's loudness.
    const reference = sampled ? sampleReference : null;
    const points = measured.map((m, i) => ({
      correction: i * CORRECTION_PROBE_DB,
      integrated: reference
        ? beforeGain.integrated + (m.integrated - reference.integrated)
        : m.integrated,
    }));
    correction = nextCorrection(points, spec.target.integrated - points[1]!.integrated);
    chain = planChain(beforeGain, spec.target, leveled, correction, plan);
  }
  if (wantSample) await fs.rm(samplePath, { force: true });
  runtime.logger?.info({ input, beforeGain, chain, sampled }, 'loudness planned');

  // 4: encode, in parallel processes.
  const chapters = spec.chapters
    ? await writeChapterFiles(spec.dir, spec.chapters, durationSeconds)
    : undefined;
  const planned = planEncodeGroups(spec.ladder, spec.parallelism);
  const groups = planned.groups;
  const peaksPcmPath = path.join(spec.dir, 'peaks.pcm');
  const outputs = spec.ladder.map((profile) => ({
    profile,
    path: path.join(spec.dir, `${profile.name}.${profile.extension}`),
  }));
  // The meters placed as the last encodes of this grouping asked for (encode-balance.ts).
  const signature = encodeSignature(
    groups.map((indices) => indices.map((i) => spec.ladder[i]!.name)),
  );
  const encodePlan: EncodePlan =
    groups.length > 1 && spec.balance
      ? await spec.balance.planFor(signature, groups.length, planned.lightest)
      : { meterGroup: planned.lightest };
  const { meterGroup } = encodePlan;
  const encode = async (encodeChain: LoudnessChain): Promise<LoudnessFigures> => {
    const collectors = groups.map(() => namedSummariesCollector());
    const groupProgress = groups.map(() => 0);
    const groupSeconds = groups.map(() => 0);
    await runTogether(
      groups.map((indices, g) => async (signal: AbortSignal) => {
        // One meter, loudness and true peak of the whole program, in one process: one
        // ebur128 instance costs less than a loudness meter and true-peak spans apart.
        const meters: MeterBranch[] = g === meterGroup ? [{ name: 'output', truePeak: true }] : [];
        const groupStarted = performance.now();
        await runDecoding(
          encodeGroupInvocation({
            input: spec.input,
            filters: [layout, ...encodeChain.filters],
            outputs: indices.map((i) => outputs[i]!),
            tags: spec.tags,
            chaptersFile: chapters?.chaptersFile,
            oggChaptersFile: chapters?.oggChaptersFile,
            artworkFile: spec.artworkFile,
            meters,
            peaksPcmPath: g === planned.lightest ? peaksPcmPath : undefined,
          }),
          {
            ...base,
            signal,
            onStderrLine: collectors[g]!.onLine,
            onProgress: (p) => {
              groupProgress[g] = p;
              const mean = groupProgress.reduce((a, b) => a + b, 0) / groups.length;
              progress(MEASURE_SHARE + ((100 - MEASURE_SHARE) * mean) / 100);
            },
          },
        );
        groupSeconds[g] = (performance.now() - groupStarted) / 1000;
      }),
      runtime.signal,
    );
    await spec.balance?.observe(signature, encodePlan, groupSeconds, durationSeconds);
    const loud = collectors[meterGroup]!.result('output');
    if (!loud) throw new Error('ffmpeg did not print the loudness summary of the output');
    return loud;
  };
  let output = await encode(chain);
  let encodes = 1;

  // 5: the safety net. Only a limited chain can miss: a gain alone (after the leveler or
  // not) moves the measured figures by exactly itself.
  const ceiling = spec.target.truePeak - plan.encoderHeadroomDb;
  const loudnessMiss = spec.target.integrated - output.integrated;
  const peakExcess = output.truePeak - ceiling;
  if (chain.limited && (Math.abs(loudnessMiss) > OUTPUT_TOLERANCE_LU || peakExcess > 0)) {
    runtime.logger?.warn(
      { output, chain, loudnessMiss, peakExcess },
      'the encoded program missed the target: measuring it whole and encoding again',
    );
    // Peaks over the ceiling (inter-sample peaks of clicks, which a sample-peak limiter
    // lets through): the limiter runs oversampled, on true peaks.
    const oversample = peakExcess > 0;
    const retryPlan = oversample ? { ...plan, oversampledLimiterRate: enclosure.sampleRate } : plan;
    const step = Math.sign(loudnessMiss || 1) * Math.max(0.5, Math.abs(loudnessMiss));
    // Points on the whole program: the encoded one itself if the chain stays the same.
    const corrections = oversample
      ? [correction, round2(correction + step)]
      : [round2(correction + step)];
    const measured = await measureWholeAt(corrections, retryPlan);
    const points = [
      ...(oversample ? [] : [{ correction, integrated: output.integrated }]),
      ...measured.map((m, i) => ({ correction: corrections[i]!, integrated: m.integrated })),
    ];
    correction = nextCorrection(points, spec.target.integrated - points.at(-1)!.integrated);
    chain = planChain(beforeGain, spec.target, leveled, correction, retryPlan);
    output = await encode(chain);
    encodes++;
    runtime.logger?.info({ output, chain }, 'encoded again');
  }
  recordFfmpeg(durationSeconds / ((performance.now() - started) / 1000));
  return {
    durationSeconds,
    outputs,
    peaksPcmPath,
    filters: [layout, ...chain.filters],
    measurePasses,
    sampleProbes,
    encodes,
    analysis,
    encodePlan,
    loudness: {
      target: spec.target,
      input,
      output,
      mode: chain.mode,
      gainDb: chain.gainDb,
    },
  };
}

/** The chapters as ffmetadata files (one with Ogg's start times), clipped to the audio. */
async function writeChapterFiles(
  dir: string,
  chapters: readonly ChapterInput[],
  durationSeconds: number,
): Promise<{ chaptersFile: string; oggChaptersFile: string }> {
  const spans = chapterSpans(chapters, durationSeconds);
  const chaptersFile = path.join(dir, 'chapters.ffmeta');
  const oggChaptersFile = path.join(dir, 'chapters-ogg.ffmeta');
  await fs.writeFile(chaptersFile, ffmetadataFor(spans));
  await fs.writeFile(oggChaptersFile, ffmetadataFor(oggChapterSpans(spans)));
  return { chaptersFile, oggChaptersFile };
}
