/**
 * The audio pipeline for one master file, from measurement to encoded files:
 *
 *   1. measure (ebur128, true peak) in the enclosure's channel layout; this
 *      pass also finds how long the audio really is (samples decoded, stopped
 *      a second past the duration limit) and whether it decodes cleanly, and
 *      refuses it if not (see validate-input.ts): the header is not believed;
 *   2. if the loudness range is wide, measure again after the speech leveler;
 *   3. plan: linear gain, or gain + limiter (then measure the limited chain and
 *      correct the gain by what the limiter took away; past 10 minutes, on a
 *      tenth of the program, against the same sample without the chain);
 *   4. encode the ladder as ≤ `parallelism` ffmpeg processes, each decoding the
 *      master once and splitting the processed signal to its encoders; the
 *      lightest one also meters the processed signal (the "after" figures) and
 *      writes the PCM for the waveform peaks.
 *
 * Measuring passes cost ~2–5 % of the encodes (perf-baselines §1), so this is
 * ~the cost of the encodes alone, spread over the cores.
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
  type LoudnessTarget,
  type PlanOptions,
} from './loudness.js';
import {
  chapterSpans,
  encodeGroupInvocation,
  encoderHeadroomDb,
  ffmetadataFor,
  measureInvocation,
  oggChapterSpans,
  planEncodeGroups,
  type RenditionTags,
} from './profiles.js';
import { assertDecodedAudio, decodeFailure, silentRecording } from './validate-input.js';

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
  /** How many measuring passes ran before the encodes. */
  readonly measurePasses: number;
}

/** Share of the progress bar for the measuring passes; the encodes get the rest up to 100. */
const MEASURE_SHARE = 10;

/** Second gain tried when measuring what the limiter takes (dB above the plain gain). */
const CORRECTION_PROBE_DB = 1;

/**
 * From this length on, what the limiter takes is measured on a sample of the program
 * (30 s in every 5 minutes, a tenth) rather than on all of it: the probes then cost a
 * tenth of a pass, not a whole one, on the long recordings where that pass shows.
 */
export const SAMPLED_PROBES_FROM_SECONDS = 600;
export const PROBE_SAMPLE_FILTER = "aselect='lt(mod(t,300),30)',asetpts=N/SR/TB";

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

/** Collects the last ebur128 summary from a run's stderr. */
function summaryCollector() {
  let lines: string[] = [];
  let inSummary = false;
  return {
    onLine: (line: string) => {
      if (/\bSummary:\s*$/.test(line)) {
        lines = [];
        inSummary = true;
      }
      if (inSummary && lines.length < 40) lines.push(line);
    },
    result: (): LoudnessFigures | null => parseEbur128Summary(lines),
  };
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
  const layout = layoutFilter(enclosure.channels);
  let base = {
    ffmpegPath: runtime.ffmpegPath,
    timeoutMs: runtime.timeoutMs,
    signal: runtime.signal,
    cwd: spec.dir,
    logger: runtime.logger,
    inputDurationSeconds: spec.declaredDurationSeconds ?? undefined,
  };
  const progress = (p: number) => runtime.onProgress?.(Math.max(0, Math.min(100, p)));

  let measurePasses = 0;
  const measure = async (
    filters: string[],
    truePeak: boolean,
    from: number,
    to: number,
    onLine?: (line: string) => void,
  ) => {
    measurePasses++;
    const collector = summaryCollector();
    await runDecoding(measureInvocation(spec.input, filters, truePeak), {
      ...base,
      onStderrLine: (line) => {
        collector.onLine(line);
        onLine?.(line);
      },
      onProgress: (p) => progress(from + ((to - from) * p) / 100),
    });
    const figures = collector.result();
    if (!figures) throw new Error('ffmpeg did not print a loudness summary');
    return figures;
  };

  // 1: measure the input, and learn from the same decode how long it really is.
  const decoding = decodedAudioCollector();
  const input = await measure(
    [...decodeGuardFilters(spec.maxDurationSeconds), layout],
    true,
    0,
    MEASURE_SHARE * 0.5,
    decoding.onLine,
  );
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
  if (
    !Number.isFinite(input.integrated) ||
    spec.target.integrated - input.integrated > plan.maxGainDb
  ) {
    throw silentRecording(input.integrated);
  }

  // 2–3: plan.
  const leveled = needsLeveling(input, plan);
  const beforeGain = leveled
    ? await measure([layout, LEVELER_FILTER], true, MEASURE_SHARE * 0.5, MEASURE_SHARE * 0.75)
    : input;
  let chain = planChain(beforeGain, spec.target, leveled, 0, plan);
  if (chain.limited) {
    // The limiter lowers the integrated loudness, more as the gain grows: measure the
    // limited chain at two gains at once (one process per core), then interpolate.
    const probes = [0, CORRECTION_PROBE_DB].map((correction) =>
      planChain(beforeGain, spec.target, leveled, correction, plan),
    );
    // On a long program, measure a sample with and without the chain: the change it
    // makes there, added to the full measurement, is the full program's loudness.
    // (A leveled chain keeps full passes: the leveler's window would see the cuts.)
    const sampled = !leveled && durationSeconds >= SAMPLED_PROBES_FROM_SECONDS;
    const sample = sampled ? [PROBE_SAMPLE_FILTER] : [];
    const [reference, ...measured] = await Promise.all([
      sampled ? measure([layout, ...sample], false, MEASURE_SHARE * 0.75, MEASURE_SHARE) : null,
      ...probes.map((probeChain) =>
        measure(
          [layout, ...sample, ...probeChain.filters],
          false,
          MEASURE_SHARE * 0.75,
          MEASURE_SHARE,
        ),
      ),
    ]);
    const points = measured.map((m, i) => ({
      correction: i * CORRECTION_PROBE_DB,
      integrated: reference
        ? beforeGain.integrated + (m.integrated - reference.integrated)
        : m.integrated,
    }));
    const correction = nextCorrection(points, spec.target.integrated - points[1]!.integrated);
    chain = planChain(beforeGain, spec.target, leveled, correction, plan);
  }
  runtime.logger?.info({ input, beforeGain, chain }, 'loudness planned');

  // 4: encode, in parallel processes.
  const chapters = spec.chapters
    ? await writeChapterFiles(spec.dir, spec.chapters, durationSeconds)
    : undefined;
  const { groups, meterGroup } = planEncodeGroups(spec.ladder, spec.parallelism);
  const peaksPcmPath = path.join(spec.dir, 'peaks.pcm');
  const outputs = spec.ladder.map((profile) => ({
    profile,
    path: path.join(spec.dir, `${profile.name}.${profile.extension}`),
  }));
  const meter = summaryCollector();
  const groupProgress = groups.map(() => 0);
  const siblings = new AbortController();
  const onParentAbort = () => siblings.abort(runtime.signal?.reason);
  runtime.signal?.addEventListener('abort', onParentAbort, { once: true });
  let settled: PromiseSettledResult<void>[];
  try {
    // allSettled: every process has exited before the temp dir can go.
    settled = await Promise.allSettled(
      groups.map((indices, g) =>
        runDecoding(
          encodeGroupInvocation({
            input: spec.input,
            filters: [layout, ...chain.filters],
            outputs: indices.map((i) => outputs[i]!),
            tags: spec.tags,
            chaptersFile: chapters?.chaptersFile,
            oggChaptersFile: chapters?.oggChaptersFile,
            artworkFile: spec.artworkFile,
            meter: g === meterGroup,
            peaksPcmPath: g === meterGroup ? peaksPcmPath : undefined,
          }),
          {
            ...base,
            signal: siblings.signal,
            onStderrLine: g === meterGroup ? meter.onLine : undefined,
            onProgress: (p) => {
              groupProgress[g] = p;
              const mean = groupProgress.reduce((a, b) => a + b, 0) / groups.length;
              progress(MEASURE_SHARE + ((100 - MEASURE_SHARE) * mean) / 100);
            },
          },
        ).catch((error: unknown) => {
          // One process failed: the others' work is useless, stop them now.
          siblings.abort('sibling-failed');
          throw error;
        }),
      ),
    );
  } finally {
    runtime.signal?.removeEventListener('abort', onParentAbort);
  }
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length) {
    // The cause, not the siblings we stopped because of it.
    throw (
      failures.find((e) => !(e instanceof FfmpegError && e.reason === 'aborted')) ?? failures[0]
    );
  }
  const output = meter.result();
  if (!output) throw new Error('ffmpeg did not print the loudness summary of the output');
  recordFfmpeg(durationSeconds / ((performance.now() - started) / 1000));
  return {
    durationSeconds,
    outputs,
    peaksPcmPath,
    filters: [layout, ...chain.filters],
    measurePasses,
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
