/**
 * Pure builders of ffmpeg invocations for the rendition ladder (unit-tested for
 * exact arguments). One decode per process: the master goes through the
 * loudness chain once, then `asplit` feeds every encoder of the group, the
 * loudness meter and the waveform PCM.
 */
import type { RenditionProfile } from '../core/media-types.js';
import type { FfmpegInvocation, FfmpegOutput } from './ffmpeg.js';
import { meterFilter } from './loudness.js';
import { peaksPcmOptions } from './peaks.js';

/** Tags written into the file itself (ID3v2.3 for MP3, MP4 metadata for M4A, Vorbis comments for Opus). */
export interface RenditionTags {
  readonly title: string;
  readonly artist?: string | null | undefined;
  readonly album?: string | null | undefined;
  /** ISO date, written as the recording date. */
  readonly date?: string | undefined;
  readonly comment?: string | null | undefined;
  readonly copyright?: string | null | undefined;
  readonly language?: string | null | undefined;
}

function metadataArgs(tags: RenditionTags): string[] {
  const pairs: [string, string | null | undefined][] = [
    ['title', tags.title],
    ['artist', tags.artist],
    ['album', tags.album],
    ['date', tags.date],
    ['comment', tags.comment],
    ['copyright', tags.copyright],
    ['language', tags.language],
  ];
  return pairs.flatMap(([key, value]) => (value ? ['-metadata', `${key}=${value}`] : []));
}

export interface OutputRefs {
  /** Filter graph label that carries this output's audio, e.g. "[o0]". */
  readonly audio: string;
  /** Input index of the ffmetadata file with the chapters, if any. */
  readonly chaptersInput?: number | undefined;
  /** Input index of a cover image, if any (MP3 and M4A only). */
  readonly artworkInput?: number | undefined;
}

/** Output options for one profile (pure: unit-tested for exact arrays). */
export function renditionOutputOptions(
  profile: RenditionProfile,
  tags: RenditionTags,
  refs: OutputRefs,
): string[] {
  const meta = refs.chaptersInput === undefined ? '-1' : String(refs.chaptersInput);
  const artwork =
    refs.artworkInput !== undefined && profile.container !== 'ogg' && profile.container !== 'webm'
      ? ['-map', `${refs.artworkInput}:v:0`, '-c:v', 'copy', '-disposition:v:0', 'attached_pic']
      : [];
  const common = [
    '-map',
    refs.audio,
    ...artwork,
    // Drop whatever the upload carried (GPS, encoder names, its own chapters); write ours.
    // Global metadata from the ffmetadata file (empty) keeps the chapter titles, which -1 would drop.
    '-map_metadata',
    meta,
    '-map_chapters',
    meta,
    ...metadataArgs(tags),
    '-c:a',
    profile.codec,
    '-b:a',
    `${profile.bitrateKbps}k`,
    '-ar',
    String(profile.sampleRate),
    '-ac',
    String(profile.channels),
  ];
  switch (profile.container) {
    case 'mp3':
      // CBR (no -q/-abr), ID3v2.3 at the start: the version every podcast app reads.
      return [...common, '-id3v2_version', '3', '-write_id3v1', '0', '-f', 'mp3'];
    case 'm4a':
      return [...common, '-profile:a', 'aac_low', '-movflags', '+faststart', '-f', 'ipod'];
    case 'ogg':
      // Hard CBR: the requested bitrate is the bitrate (a player can size its buffer on it).
      return [...common, '-vbr', 'off', '-f', 'ogg'];
    case 'webm':
      return [...common, '-f', 'webm'];
  }
}

/**
 * Relative encoding cost per second of audio (CPU seconds for 10 minutes of stereo
 * speech on the project's machine, 2026-12-03: LAME 128k 6.0, AAC 128k 19.8, Opus
 * 48k 24.8). Opus alone is lighter than MP3 + AAC, so the meters and the peaks PCM
 * go with it: timed one at a time, the MP3 + AAC process with them took 41–42 s
 * against 33–35 s for the Opus one, and so set the encodes' wall. On another
 * machine of the same kind the Opus process was the heavier by 11 %: the table is
 * only where the encode balance starts (encode-balance.ts).
 */
export function encodeCost(profile: RenditionProfile): number {
  const perCodec = { libmp3lame: 1, aac: 3.3, libopus: 4.1 }[profile.codec];
  return perCodec * (profile.channels === 1 ? 0.65 : 1);
}

/**
 * How far above the processed signal's true peak an encoder's output may land
 * (dB), measured on this ffmpeg: LAME and libopus ~0.3, the native AAC encoder
 * ~0.3 at 128 kb/s stereo but up to ~1.7 at 64 kb/s mono.
 */
export function encoderHeadroomDb(profile: RenditionProfile): number {
  if (profile.codec === 'aac') return profile.bitrateKbps < 96 ? 2 : 0.8;
  return 0.5;
}

/**
 * Level change an encoder makes, compensated before it (dB). LAME at 160 kb/s
 * and below plays back ~0.45 dB quieter than its input (measured on sine and
 * speech, mono and stereo, 64–160 kb/s; 0.26 dB at 192k, 0 at 320k).
 */
export function encoderTrimDb(profile: RenditionProfile): number {
  if (profile.codec === 'libmp3lame') return profile.bitrateKbps <= 160 ? 0.45 : 0;
  return 0;
}

/**
 * Splits the ladder into at most `parallelism` processes (one ffmpeg audio
 * process uses one core), longest job first onto the least loaded process.
 * `lightest`: the least loaded group by the cost table, which writes the peaks PCM
 * and carries the output meter until the worker's encode balance has learned
 * where the meter costs least (encode-balance.ts). Returns profile indices.
 */
export function planEncodeGroups(
  profiles: readonly RenditionProfile[],
  parallelism: number,
): { groups: number[][]; lightest: number } {
  const n = Math.max(1, Math.min(parallelism, profiles.length));
  const groups: number[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  const order = profiles
    .map((p, i) => ({ i, cost: encodeCost(p) }))
    .sort((a, b) => b.cost - a.cost || a.i - b.i);
  for (const { i, cost } of order) {
    const target = load.indexOf(Math.min(...load));
    groups[target]!.push(i);
    load[target]! += cost;
  }
  for (const g of groups) g.sort((a, b) => a - b);
  return { groups, lightest: load.indexOf(Math.min(...load)) };
}

/**
 * One ebur128 instance on a branch of the graph, named so that its summary can be
 * told from the others' in stderr (`[ebur128@name @ 0x…] Summary:`). `select`
 * filters come first on the branch (a time span, a sample of the program).
 */
export interface MeterBranch {
  readonly name: string;
  readonly truePeak: boolean;
  readonly select?: readonly string[];
}

/** A branch written to a file (e.g. the probes' sample as float WAV). */
export interface FileBranch {
  readonly path: string;
  readonly select?: readonly string[];
  readonly options: readonly string[];
}

/** Float WAV: what a probe reads back exactly as the chain would see it (overs kept). */
export const FLOAT_WAV_OPTIONS: readonly string[] = ['-c:a', 'pcm_f32le', '-f', 'wav'];

/**
 * The true-peak meter is the costliest part of metering (4x oversampling: ~3x the
 * loudness meter): split it by time over `count` processes, each metering an equal
 * span (decoded-sample time, overlapping a little so no inter-sample peak falls
 * between two). The peak of the whole is the highest of the spans'.
 */
export function meterSpans(durationSeconds: number, count: number): string[][] {
  if (count <= 1 || !(durationSeconds > 0)) return [[]];
  const overlap = 0.05;
  return Array.from({ length: count }, (_, i) => {
    const parts = [
      ...(i > 0
        ? [`start=${Math.max(0, (durationSeconds * i) / count - overlap).toFixed(3)}`]
        : []),
      ...(i < count - 1
        ? [`end=${((durationSeconds * (i + 1)) / count + overlap).toFixed(3)}`]
        : []),
    ];
    return [`atrim=${parts.join(':')}`];
  });
}

function branchGraph(
  source: string,
  meters: readonly MeterBranch[],
  files: readonly FileBranch[],
  otherLabels: readonly string[],
): { graph: string[]; outputs: FfmpegOutput[] } {
  const meterLabels = meters.map((_, i) => `m${i}`);
  const fileLabels = files.map((_, i) => `f${i}`);
  const labels = [...otherLabels, ...meterLabels, ...fileLabels];
  const graph = [
    labels.length === 1
      ? `${source}anull[${labels[0]}]`
      : `${source}asplit=${labels.length}${labels.map((l) => `[${l}]`).join('')}`,
  ];
  const outputs: FfmpegOutput[] = [];
  meters.forEach((m, i) => {
    const chain = [...(m.select ?? []), meterFilter(m.truePeak, m.name)].join(',');
    graph.push(`[m${i}]${chain}[metered${i}]`);
    outputs.push({ path: '-', options: ['-map', `[metered${i}]`, '-f', 'null'] });
  });
  files.forEach((f, i) => {
    if (f.select?.length) graph.push(`[f${i}]${f.select.join(',')}[file${i}]`);
    const label = f.select?.length ? `[file${i}]` : `[f${i}]`;
    outputs.push({ path: f.path, options: ['-map', label, ...f.options] });
  });
  return { graph, outputs };
}

export interface EncodeOutput {
  readonly profile: RenditionProfile;
  readonly path: string;
}

export interface EncodeGroupSpec {
  readonly input: string;
  /** The loudness chain (layout conversion first). */
  readonly filters: readonly string[];
  readonly outputs: readonly EncodeOutput[];
  readonly tags: RenditionTags;
  readonly chaptersFile?: string | undefined;
  /** The same chapters for Ogg outputs (see oggChapterSpans). */
  readonly oggChaptersFile?: string | undefined;
  readonly artworkFile?: string | undefined;
  /** ebur128 meters on the processed signal (their summaries go to stderr). */
  readonly meters?: readonly MeterBranch[];
  /** Adds the 8 kHz mono PCM for the waveform peaks. */
  readonly peaksPcmPath?: string | undefined;
}

/** One ffmpeg process: decode once → chain → asplit → encoders (+ meters, + peaks PCM). */
export function encodeGroupInvocation(spec: EncodeGroupSpec): FfmpegInvocation {
  const labels = spec.outputs.map((_, i) => `o${i}`);
  const chain = spec.filters.length ? spec.filters.join(',') : 'anull';
  const branches = branchGraph(
    `[0:a:0]${chain},`,
    spec.meters ?? [],
    spec.peaksPcmPath ? [{ path: spec.peaksPcmPath, options: peaksPcmOptions() }] : [],
    labels,
  );
  const graph = branches.graph;
  // Per-output level trims (encoders that change the level), as their own branch filters.
  const audioLabels = spec.outputs.map((o, i) => {
    const trim = encoderTrimDb(o.profile);
    if (!trim) return `[o${i}]`;
    graph.push(`[o${i}]volume=${trim.toFixed(2)}dB[t${i}]`);
    return `[t${i}]`;
  });
  const extraInputs: { path: string; format: 'ffmetadata' | 'image2' }[] = [];
  let chaptersInput: number | undefined;
  let oggChaptersInput: number | undefined;
  let artworkInput: number | undefined;
  if (spec.chaptersFile && spec.outputs.some((o) => o.profile.container !== 'ogg')) {
    extraInputs.push({ path: spec.chaptersFile, format: 'ffmetadata' });
    chaptersInput = extraInputs.length;
  }
  if (spec.chaptersFile && spec.outputs.some((o) => o.profile.container === 'ogg')) {
    extraInputs.push({ path: spec.oggChaptersFile ?? spec.chaptersFile, format: 'ffmetadata' });
    oggChaptersInput = extraInputs.length;
  }
  if (spec.artworkFile) {
    extraInputs.push({ path: spec.artworkFile, format: 'image2' });
    artworkInput = extraInputs.length;
  }
  const outputs: FfmpegOutput[] = spec.outputs.map((o, i) => ({
    path: o.path,
    options: renditionOutputOptions(o.profile, spec.tags, {
      audio: audioLabels[i]!,
      chaptersInput: o.profile.container === 'ogg' ? oggChaptersInput : chaptersInput,
      artworkInput,
    }),
  }));
  outputs.push(...branches.outputs);
  return { input: spec.input, filterComplex: graph.join(';'), extraInputs, outputs };
}

/** A measuring pass: decode → filters → ebur128 → nothing written. */
export function measureInvocation(
  input: string,
  filters: readonly string[],
  truePeak: boolean,
): FfmpegInvocation {
  const chain = [...filters, meterFilter(truePeak)].join(',');
  return {
    input,
    filterComplex: `[0:a:0]${chain}[metered]`,
    outputs: [{ path: '-', options: ['-map', '[metered]', '-f', 'null'] }],
  };
}

/**
 * An analysing pass: decode → filters → named meters on their branches, and
 * branches written to files (one decode for all of them).
 */
export function analysisInvocation(
  input: string,
  filters: readonly string[],
  meters: readonly MeterBranch[],
  files: readonly FileBranch[] = [],
  inspect?: InspectBranches,
): FfmpegInvocation {
  if (!inspect) {
    const chain = filters.length ? filters.join(',') : 'anull';
    const { graph, outputs } = branchGraph(`[0:a:0]${chain},`, meters, files, []);
    return { input, filterComplex: graph.join(';'), outputs };
  }
  const head = filters.slice(0, inspect.after);
  const tail = filters.slice(inspect.after);
  const { graph, outputs } = branchGraph(
    `[main]${tail.length ? tail.join(',') : 'anull'},`,
    meters,
    files,
    [],
  );
  return {
    input,
    filterComplex: [
      `[0:a:0]${head.length ? `${head.join(',')},` : ''}asplit=2[main][raw]`,
      ...graph,
      ...inspect.chains('raw'),
    ].join(';'),
    outputs,
  };
}

/**
 * Branches that read the signal after the first `after` filters (the original as
 * decoded, before any layout conversion) and end in sinks of their own: the
 * quality analysis (src/media/analysis.ts) in the same decode as the meters.
 */
export interface InspectBranches {
  readonly after: number;
  readonly chains: (label: string) => string[];
}

/** Chapters as ffmpeg's FFMETADATA1 text (times in ms). */
export interface ChapterSpan {
  readonly startMs: number;
  readonly endMs: number;
  readonly title: string;
}

/** Escapes a value for FFMETADATA1: '=', ';', '#', '\' and newlines take a backslash. */
export function escapeFfmetadata(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

export function ffmetadataFor(chapters: readonly ChapterSpan[]): string {
  const blocks = chapters.map(
    (c) =>
      `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${Math.round(c.startMs)}\nEND=${Math.round(c.endMs)}\ntitle=${escapeFfmetadata(c.title)}\n`,
  );
  return `;FFMETADATA1\n${blocks.join('')}`;
}

/**
 * ffmpeg 5.1's Ogg muxer writes CHAPTERxxx comments with the seconds rounded
 * instead of truncated (2.500 s → "00:00:03.500"): give it starts one second
 * earlier where the millisecond part is ≥ 500, so that the written text is right.
 */
export function oggChapterSpans(spans: readonly ChapterSpan[]): ChapterSpan[] {
  return spans.map((c) => {
    const ms = Math.round(c.startMs);
    return ms % 1000 >= 500 ? { ...c, startMs: ms - 1000 } : c;
  });
}

/**
 * Podcasting 2.0 chapters (start times, optional end times) → spans that end
 * where the next starts, clipped to the audio. Chapters with `toc: false` are
 * still written (ID3 CHAP) but the spec's TOC flag is for players' menus.
 */
export function chapterSpans(
  chapters: readonly {
    startTime: number;
    endTime?: number | undefined;
    title?: string | undefined;
  }[],
  durationSeconds: number,
): ChapterSpan[] {
  const durationMs = Math.round(durationSeconds * 1000);
  const sorted = [...chapters].sort((a, b) => a.startTime - b.startTime);
  return sorted
    .map((c, i) => {
      const startMs = Math.round(c.startTime * 1000);
      const next = sorted[i + 1];
      const endFromSpec = c.endTime !== undefined ? Math.round(c.endTime * 1000) : undefined;
      const endMs = Math.min(
        durationMs,
        endFromSpec ?? (next ? Math.round(next.startTime * 1000) : durationMs),
      );
      return { startMs, endMs, title: c.title ?? `Chapitre ${i + 1}` };
    })
    .filter((c) => c.startMs < durationMs && c.endMs > c.startMs);
}
