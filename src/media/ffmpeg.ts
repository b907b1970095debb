/**
 * The one module that runs ffmpeg (and the only importer of fluent-ffmpeg,
 * which is archived upstream): everything else hands it argument arrays built
 * by pure functions, so it can be swapped for `spawn` without touching callers.
 *
 * Every run: `-nostdin`, a deadline, an abort signal, a kill that is confirmed
 * by the child's exit, progress clamped to 0–100, stderr kept for the error.
 */
import type { ChildProcess } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import type { Logger } from '../core/logger.js';
import { INPUT_GUARD_OPTIONS } from './input-guard.js';

export interface FfmpegOutput {
  readonly path: string;
  readonly options: readonly string[];
}

/** A file we wrote ourselves (chapters, cover image), read with one forced demuxer. */
export interface TrustedInput {
  readonly path: string;
  readonly format: 'ffmetadata' | 'image2';
}

export interface FfmpegInvocation {
  readonly input: string;
  readonly inputOptions?: readonly string[];
  /** Inputs 1…n, after the upload (input 0). */
  readonly extraInputs?: readonly TrustedInput[];
  /** One `-filter_complex` graph; outputs then map its labels. */
  readonly filterComplex?: string;
  readonly outputs: readonly FfmpegOutput[];
}

/** Options for a trusted input: still file-only, and exactly the one demuxer we wrote it for. */
export function trustedInputOptions(input: TrustedInput): string[] {
  return [
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    input.format,
    '-f',
    input.format,
    ...(input.format === 'image2' ? ['-pattern_type', 'none'] : []),
  ];
}

export interface RunOptions {
  readonly ffmpegPath: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Length of the input in seconds, to turn ffmpeg's `time=` into a percentage. */
  readonly inputDurationSeconds?: number | undefined;
  readonly onProgress?: ((percent: number) => void) | undefined;
  /** Every stderr line (e.g. to collect the ebur128 summary). */
  readonly onStderrLine?: ((line: string) => void) | undefined;
  readonly cwd?: string | undefined;
  readonly logger?: Logger | undefined;
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
    readonly reason: 'failed' | 'timeout' | 'aborted',
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** Parses ffmpeg's `time=HH:MM:SS.ss` from a stderr line, in seconds. */
export function parseProgressTime(line: string): number | null {
  const match = /time=\s*(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(line);
  if (!match || match[1] === '-') return null;
  return Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
}

export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.max(0, Math.min(100, value));
}

const STDERR_TAIL_LINES = 30;

/**
 * fluent-ffmpeg lists the formats and encoders (two ffmpeg runs, ~0.25 s) before a
 * process's first command, then keeps the lists: a worker has that done at its start,
 * so that its first job does not wait for it. A failure is left to the first command.
 */
export function warmUpFfmpeg(ffmpegPath: string): Promise<void> {
  const command = ffmpeg().setFfmpegPath(ffmpegPath);
  return new Promise((resolve) => {
    command.availableFormats(() => command.availableEncoders(() => resolve()));
  });
}

export function runFfmpeg(invocation: FfmpegInvocation, options: RunOptions): Promise<void> {
  if (options.signal?.aborted) {
    return Promise.reject(new FfmpegError('ffmpeg was not started: aborted', '', 'aborted'));
  }
  return new Promise<void>((resolve, reject) => {
    // stdoutLines bounds fluent-ffmpeg's own stdout and stderr buffers (0 would mean unlimited).
    const command = ffmpeg({ cwd: options.cwd, stdoutLines: STDERR_TAIL_LINES });
    command.setFfmpegPath(options.ffmpegPath);
    // Options are passed as separate arguments: given one array, fluent-ffmpeg would split
    // any value holding exactly one space ("title=Deux mots") into two arguments.
    command
      // "file:" so that a colon in a path is never read as a protocol name.
      .input(`file:${invocation.input}`)
      .inputOptions(
        '-nostdin',
        '-hide_banner',
        ...INPUT_GUARD_OPTIONS,
        ...(invocation.inputOptions ?? []),
      );
    for (const extra of invocation.extraInputs ?? []) {
      command.input(`file:${extra.path}`).inputOptions(...trustedInputOptions(extra));
    }
    if (invocation.filterComplex) command.complexFilter(invocation.filterComplex);
    for (const output of invocation.outputs) {
      command.output(output.path).outputOptions('-y', ...output.options);
    }

    const stderr: string[] = [];
    let stoppedFor: 'timeout' | 'aborted' | null = null;
    let lastPercent = -1;

    const kill = (why: 'timeout' | 'aborted') => {
      stoppedFor = why;
      const proc = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      proc?.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('timeout'), options.timeoutMs);
    const onAbort = () => kill('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    command.on('start', (commandLine: string) => {
      options.logger?.debug({ commandLine }, 'ffmpeg started');
    });
    command.on('stderr', (line: string) => {
      options.onStderrLine?.(line);
      stderr.push(line);
      if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
      if (!options.onProgress || !options.inputDurationSeconds) return;
      const seconds = parseProgressTime(line);
      if (seconds === null) return;
      const percent = Math.floor(clampPercent((seconds / options.inputDurationSeconds) * 100));
      if (percent !== lastPercent) {
        lastPercent = percent;
        options.onProgress(percent);
      }
    });

    // The process is gone once fluent-ffmpeg reports 'end' or 'error': both come from the child's exit.
    const settle = (error: Error | null) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const tail = stderr.join('\n');
      if (!error) return resolve();
      if (stoppedFor === 'timeout') {
        reject(
          new FfmpegError(
            `ffmpeg took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped`,
            tail,
            'timeout',
          ),
        );
      } else if (stoppedFor === 'aborted') {
        reject(new FfmpegError('ffmpeg was stopped: the job was cancelled', tail, 'aborted'));
      } else {
        options.logger?.warn({ stderr: tail }, 'ffmpeg failed');
        reject(
          new FfmpegError(
            `ffmpeg failed: ${lastMeaningfulLine(stderr) ?? error.message}`,
            tail,
            'failed',
          ),
        );
      }
    };
    command.on('end', () => settle(null));
    command.on('error', (error: Error) => settle(error));
    command.run();
  });
}

function lastMeaningfulLine(lines: readonly string[]): string | undefined {
  return [...lines]
    .reverse()
    .find((l) => l.trim() && !l.startsWith('size=') && !/^\s*(video|audio):/.test(l));
}
