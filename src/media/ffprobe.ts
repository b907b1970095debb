import { execFile } from 'node:child_process';
import type { ProbeResult } from '../core/media-types.js';
import { INPUT_GUARD_OPTIONS } from './input-guard.js';

export class ProbeError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  bit_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}

interface RawProbe {
  streams?: RawStream[];
  format?: {
    format_name?: string;
    duration?: string;
    bit_rate?: string;
    tags?: Record<string, string>;
  };
}

/** ffprobe prints "N/A" or nothing where a container does not know; we say null. */
function finiteOrNull(value: string | number | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Normalises ffprobe's JSON (pure; unit-tested on frozen outputs). */
export function parseProbeJson(json: string): ProbeResult {
  const raw = JSON.parse(json) as RawProbe;
  const streams = raw.streams ?? [];
  const audio = streams.find((s) => s.codec_type === 'audio' && !s.disposition?.attached_pic);
  const hasVideo = streams.some((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const formatDuration = finiteOrNull(raw.format?.duration);
  const streamDuration = finiteOrNull(audio?.duration);
  return {
    formatName: raw.format?.format_name ?? 'unknown',
    durationSeconds: formatDuration ?? streamDuration,
    bitRate: finiteOrNull(raw.format?.bit_rate),
    audio: audio
      ? {
          codec: audio.codec_name ?? 'unknown',
          sampleRate: finiteOrNull(audio.sample_rate) ?? 0,
          channels: audio.channels ?? 0,
          bitRate: finiteOrNull(audio.bit_rate),
          durationSeconds: streamDuration,
        }
      : null,
    hasVideo,
    tags: raw.format?.tags ?? {},
  };
}

export function probeArgs(file: string): string[] {
  return [
    '-v',
    'error',
    ...INPUT_GUARD_OPTIONS,
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    // "file:" stops ffprobe from reading a protocol out of a file name with a colon.
    `file:${file}`,
  ];
}

/** Runs ffprobe on one local file, with a deadline. */
export function probe(
  file: string,
  options: { ffprobePath: string; timeoutMs?: number },
): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(
      options.ffprobePath,
      probeArgs(file),
      { timeout: options.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const firstLine = stderr.split('\n').find((l) => l.trim()) ?? error.message;
          return reject(new ProbeError(firstLine.trim(), stderr));
        }
        try {
          resolve(parseProbeJson(stdout));
        } catch (parseError) {
          reject(
            new ProbeError(
              `ffprobe printed something that is not JSON: ${String(parseError)}`,
              stderr,
            ),
          );
        }
      },
    );
  });
}
