/**
 * The worker's audio path for one file, in a process of its own so that its
 * peak RSS is the pipeline's alone: probe → measure (with the quality report's
 * analysis of the original, as the worker asks for it) → encode the ladder
 * (+ meter, + peaks PCM) → fold the peaks → checksums. Prints one JSON line.
 * Usage: tsx bench/pipeline-child.ts <input.wav> <work dir>
 * BENCH_BALANCE_FILE: the encode balance a worker keeps (learned from its earlier jobs).
 */
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { analysisOptions } from '../src/core/quality.js';
import { DEFAULT_LADDER, RENDITION_PROFILES } from '../src/core/media-types.js';
import { sha256File } from '../src/media/checksum.js';
import { probe } from '../src/media/ffprobe.js';
import { targetFor } from '../src/media/loudness.js';
import { peaksFromPcmFile } from '../src/media/peaks.js';
import { processMaster } from '../src/media/pipeline.js';
import { EncodeBalance } from '../src/media/encode-balance.js';
import { warmUpFfmpeg } from '../src/media/ffmpeg.js';

const [input, dir] = process.argv.slice(2);
if (!input || !dir) throw new Error('usage: pipeline-child.ts <input> <dir>');
// What a worker does once at its start (workers/runtime.ts), not in its jobs.
await warmUpFfmpeg('ffmpeg');

/** When the pipeline logged the end of its input pass and of its planning (ms since start). */
const marks: Record<string, number> = {};
const started = performance.now();
// The pipeline's own log lines mark its phases; BENCH_LOG=debug also shows them (on stderr).
const shown = process.env.BENCH_LOG;
const logger = pino(
  { level: shown ?? 'info', base: null },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString();
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1];
      if (msg && !(msg in marks)) marks[msg] = performance.now() - started;
      if (shown) process.stderr.write(line);
      done();
    },
  }),
);
const probed = await probe(input, { ffprobePath: 'ffprobe' });
const ladder = DEFAULT_LADDER.map((name) => RENDITION_PROFILES[name]!);
const result = await processMaster(
  {
    input,
    declaredDurationSeconds: probed.audio?.durationSeconds ?? probed.durationSeconds,
    dir,
    ladder,
    target: targetFor(ladder[0]!.channels, -16, -1),
    tags: { title: 'Banc d’essai « traitement »', artist: 'Antenne', album: 'Bench' },
    parallelism: Number(process.env.ENCODE_PARALLELISM ?? 2),
    analysis: analysisOptions(null, probed.audio?.channels ?? 1),
    balance: process.env.BENCH_BALANCE_FILE
      ? new EncodeBalance({ file: process.env.BENCH_BALANCE_FILE, logger })
      : undefined,
  },
  {
    ffmpegPath: 'ffmpeg',
    timeoutMs: 3 * 3600_000,
    logger,
  },
);
const encoded = performance.now() - started;
const peaks = await peaksFromPcmFile(result.peaksPcmPath);
for (const o of result.outputs) await sha256File(o.path);
const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
process.stdout.write(
  `${JSON.stringify({
    wallSeconds: (performance.now() - started) / 1000,
    // Seconds from the start: input pass done, loudness planned, encodes done.
    phases: {
      inputPass: seconds(marks['input decoded']),
      planned: seconds(marks['loudness planned']),
      encoded: seconds(encoded),
    },
    maxRssKb: process.resourceUsage().maxRSS,
    // This Node process's own CPU (its ffmpeg children excluded), microseconds → seconds.
    nodeCpuSeconds:
      (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
    filters: result.filters,
    measurePasses: result.measurePasses,
    sampleProbes: result.sampleProbes,
    encodes: result.encodes,
    loudness: result.loudness,
    analysed: result.analysis !== null,
    encodePlan: result.encodePlan,
    peaksLength: peaks.length,
    outputs: result.outputs.map((o) => o.path),
  })}\n`,
);
