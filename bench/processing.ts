/**
 * bench:processing — a long French speech WAV through the whole ladder + peaks,
 * timed against the cheapest plain ffmpeg command lines that make the same
 * outputs, run in the same script on the same input.
 *
 *   npm run bench:processing                          # 10 and 60 minutes (~10 min on 2 cores)
 *   npm run bench:processing -- --minutes 10          # 10 minutes only
 *   npm run bench:processing -- --minutes 10,60 --runs 2
 *
 * Baseline = what someone who knows ffmpeg would type: one measuring pass
 * (ebur128), then the encodes with the same filter chain as 2 parallel
 * processes (MP3 + AAC with asplit; Opus + peaks PCM). The pipeline side runs
 * the worker's code in a child Node process, whose peak RSS (VmHWM of the Node
 * process, ffmpeg children excluded) is reported.
 *
 * The pipeline side keeps its encode balance (src/media/encode-balance.ts) in a file
 * for the whole bench, as a worker does across its jobs: the first run puts the output
 * meter where the cost table says, the next ones where the runs before them learned
 * (printed). The child's process start, and fluent-ffmpeg's lists of formats and
 * encoders (fetched once at a worker's start), are printed apart from the job's wall.
 *
 * Wall time depends on the neighbours' load on a shared machine: CPU seconds
 * (user + sys of every reaped descendant: the ffmpeg children, and the pipeline's
 * Node child with its own ffmpeg children) are printed beside it, with both ratios.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { median } from '../support/statistics.js';
import { ffmpeg, makeSpeech } from './speech.js';

const { values: args } = parseArgs({
  options: {
    minutes: {
      type: 'string',
      default: process.env.DURATION ? String(Number(process.env.DURATION) / 60) : '10,60',
    },
    runs: { type: 'string', default: process.env.RUNS ?? '1' },
  },
});
const MINUTES = args.minutes.split(',').map(Number);
const RUNS = Number(args.runs);
if (MINUTES.some((m) => !(m > 0)) || !(RUNS >= 1))
  throw new Error('usage: --minutes 10,60 --runs n');
const TARGET_RATIO = 1.1;
/** The worker's learned encode balance, kept across the runs and lengths of this bench. */
// BENCH_BALANCE_FILE=path keeps it across invocations too (a worker that has run for a while).
const BALANCE_DIR = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-balance-'));
const BALANCE_FILE =
  process.env.BENCH_BALANCE_FILE ?? path.join(BALANCE_DIR, 'encode-balance.json');

interface ChildResult {
  /** The job's own time: from the probe to the checksums, the process's start excluded. */
  wallSeconds: number;
  /** Seconds from the job's start at which each phase ended. */
  phases: { inputPass: number | null; planned: number | null; encoded: number | null };
  maxRssKb: number;
  nodeCpuSeconds: number;
  filters: string[];
  measurePasses: number;
  sampleProbes: number;
  encodes: number;
  encodePlan: { meterGroup: number };
  loudness: { input: { integrated: number }; output: { integrated: number }; mode: string };
}

/** The worker's pipeline in a child process; also samples VmHWM from /proc while it runs. */
async function runPipeline(input: string, dir: string): Promise<ChildResult & { wall: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/pipeline-child.ts', input, dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_BALANCE_FILE: BALANCE_FILE },
    },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`pipeline child exited with ${code}`);
  // The last line is the result; anything before it is the child's log (BENCH_LOG).
  const lines = stdout.trim().split('\n');
  if (lines.length > 1) process.stderr.write(`${lines.slice(0, -1).join('\n')}\n`);
  return {
    ...(JSON.parse(lines[lines.length - 1]!) as ChildResult),
    wall: (performance.now() - started) / 1000,
  };
}

/** One 128 kbit/s stereo 44.1 kHz output of the baseline: the MP3 and the AAC rungs. */
function stereo128k(label: string, codec: string, file: string): string[] {
  return ['-map', label, '-c:a', codec, '-b:a', '128k', '-ar', '44100', '-ac', '2', file];
}

/** The same outputs with plain ffmpeg command lines. */
async function runBaseline(
  input: string,
  dir: string,
  filters: string[],
): Promise<{ measureSeconds: number }> {
  const chain = filters.join(',');
  const t0 = performance.now();
  await ffmpeg(['-i', input, '-af', `${filters[0]},ebur128=peak=true`, '-f', 'null', '-']);
  const measureSeconds = (performance.now() - t0) / 1000;
  await Promise.all([
    ffmpeg([
      '-i',
      input,
      '-filter_complex',
      `[0:a]${chain},asplit=2[a][b];[a]volume=0.45dB[m]`,
      ...stereo128k('[m]', 'libmp3lame', path.join(dir, 'cli.mp3')),
      ...stereo128k('[b]', 'aac', path.join(dir, 'cli.m4a')),
    ]),
    ffmpeg([
      '-i',
      input,
      '-filter_complex',
      `[0:a]${chain},asplit=2[a][b]`,
      '-map',
      '[a]',
      '-c:a',
      'libopus',
      '-b:a',
      '48k',
      '-vbr',
      'off',
      '-ar',
      '48000',
      '-ac',
      '2',
      path.join(dir, 'cli.opus'),
      '-map',
      '[b]',
      '-ac',
      '1',
      '-ar',
      '8000',
      '-c:a',
      'pcm_s16le',
      '-f',
      's16le',
      path.join(dir, 'cli.pcm'),
    ]),
  ]);
  return { measureSeconds };
}

/**
 * CPU seconds of this process's reaped descendants (/proc/self/stat cutime + cstime):
 * ffmpeg children and the pipeline's Node child with its own ffmpeg children. Stable on
 * a shared machine where wall time depends on the neighbours' load.
 */
async function childrenCpuSeconds(): Promise<number> {
  const stat = await fs.readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = await childrenCpuSeconds();
  const t0 = performance.now();
  const value = await fn();
  return {
    value,
    wall: (performance.now() - t0) / 1000,
    cpu: (await childrenCpuSeconds()) - cpu0,
  };
}

interface Row {
  minutes: number;
  run: number;
  pWall: number;
  pCpu: number;
  bWall: number;
  bCpu: number;
}

async function benchLength(minutes: number, rows: Row[]): Promise<void> {
  const duration = Math.round(minutes * 60);
  const input = await makeSpeech(duration);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-run-'));
  console.log(`\n== ${minutes} minutes: ${input}, ${os.cpus().length} cores, ${RUNS} run(s)`);
  try {
    // The baseline needs the chain the pipeline chose: a first pipeline run gives it.
    let chain: string[] | null = null;
    for (let r = 1; r <= RUNS; r++) {
      // Alternate the order between runs: the machine's load drifts.
      const runP = () => measured(() => runPipeline(input, work));
      const runB = (filters: string[]) => measured(() => runBaseline(input, work, filters));
      let p: Awaited<ReturnType<typeof runP>>;
      let b: Awaited<ReturnType<typeof runB>>;
      if (chain && r % 2 === 0) {
        b = await runB(chain);
        p = await runP();
      } else {
        p = await runP();
        chain = p.value.filters;
        b = await runB(chain);
      }
      const pipeline = p.value;
      console.log(
        `run ${r}: loudness ${pipeline.loudness.input.integrated} → ${pipeline.loudness.output.integrated} LUFS (${pipeline.loudness.mode}), ` +
          `${pipeline.measurePasses} measuring pass(es) over the whole program, ${pipeline.sampleProbes} probe(s) on the sample, ${pipeline.encodes} encode(s)`,
      );
      console.log(
        `chain: ${pipeline.filters.join(',')}; output meter (loudness + true peak) with encode process ${pipeline.encodePlan.meterGroup}`,
      );
      // The job's wall (what a running worker spends on the file) is what the target is
      // about; the child process's start (Node, and tsx compiling the TypeScript) is not
      // a job's: a worker starts once. Both are printed.
      const jobWall = pipeline.wallSeconds;
      for (const [name, wall, cpu] of [
        ['pipeline (worker code, one job)', jobWall, p.cpu],
        ['baseline (plain ffmpeg CLI, same outputs)', b.wall, b.cpu],
      ] as const) {
        console.log(
          `${name.padEnd(44)} wall ${wall.toFixed(1).padStart(7)} s  ${(duration / wall).toFixed(1).padStart(6)}x realtime  CPU ${cpu.toFixed(1).padStart(7)} s`,
        );
      }
      const { inputPass, planned, encoded } = pipeline.phases;
      const span = (from: number | null, to: number | null) =>
        from === null || to === null ? '?' : `${(to - from).toFixed(1)} s`;
      console.log(
        `  phases: pipeline input pass ${span(0, inputPass)}, planning (probes) ${span(inputPass, planned)}, ` +
          `encodes ${span(planned, encoded)}, peaks + checksums ${span(encoded, jobWall)}, ` +
          `process start ${(p.wall - jobWall).toFixed(1)} s; baseline measure ${b.value.measureSeconds.toFixed(1)} s, ` +
          `encodes ${(b.wall - b.value.measureSeconds).toFixed(1)} s`,
      );
      console.log(
        `ratio pipeline / baseline: wall ${(jobWall / b.wall).toFixed(3)} (with the process start ${(p.wall / b.wall).toFixed(3)}), ` +
          `CPU ${(p.cpu / b.cpu).toFixed(3)} (target ≤ ${TARGET_RATIO.toFixed(2)})`,
      );
      console.log(
        `peak RSS of the pipeline's Node process: ${(pipeline.maxRssKb / 1024).toFixed(1)} MB (target < 200 MB); its own CPU ${pipeline.nodeCpuSeconds.toFixed(1)} s`,
      );
      rows.push({ minutes, run: r, pWall: jobWall, pCpu: p.cpu, bWall: b.wall, bCpu: b.cpu });
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
try {
  for (const minutes of MINUTES) await benchLength(minutes, rows);
} finally {
  await fs.rm(BALANCE_DIR, { recursive: true, force: true });
}
console.log(
  '\n| minutes | run | pipeline (job) wall s | baseline wall s | wall ratio | pipeline CPU s | baseline CPU s | CPU ratio |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.minutes} | ${r.run} | ${r.pWall.toFixed(1)} | ${r.bWall.toFixed(1)} | ${(r.pWall / r.bWall).toFixed(3)} | ${r.pCpu.toFixed(1)} | ${r.bCpu.toFixed(1)} | ${(r.pCpu / r.bCpu).toFixed(3)} |`,
  );
}
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
if (RUNS > 1) {
  for (const minutes of MINUTES) {
    const mine = rows.filter((r) => r.minutes === minutes);
    console.log(
      `${minutes} minutes, median of ${mine.length} runs: wall ratio ${median(mine.map((r) => r.pWall / r.bWall)).toFixed(3)}, ` +
        `CPU ratio ${median(mine.map((r) => r.pCpu / r.bCpu)).toFixed(3)} (target ≤ ${TARGET_RATIO.toFixed(2)})`,
    );
  }
}
