/**
 * Pure argument builder for cutting a clip: seek on the input (accurate: ffmpeg
 * decodes from the previous frame and drops what comes before `start`), take
 * `end - start` seconds, fade in and out, encode with the given profile, and
 * write the PCM for the clip's own waveform from the same decode.
 */
import type { RenditionProfile } from '../core/media-types.js';
import type { FfmpegInvocation } from './ffmpeg.js';
import { peaksPcmOutput } from './peaks.js';
import { renditionOutputOptions, type RenditionTags } from './profiles.js';

export interface ClipCut {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly fadeSeconds: number;
}

const s = (n: number) => n.toFixed(3);

export function clipFilter(cut: ClipCut): string {
  const length = cut.endSeconds - cut.startSeconds;
  const fade = Math.min(cut.fadeSeconds, length / 4);
  return `afade=t=in:st=0:d=${s(fade)},afade=t=out:st=${s(length - fade)}:d=${s(fade)}`;
}

export function clipInvocation(
  input: string,
  output: { path: string; pcmPath: string },
  cut: ClipCut,
  profile: RenditionProfile,
  tags: RenditionTags,
): FfmpegInvocation {
  const filter = ['-af', clipFilter(cut)];
  return {
    input,
    inputOptions: ['-ss', s(cut.startSeconds), '-t', s(cut.endSeconds - cut.startSeconds)],
    outputs: [
      {
        path: output.path,
        options: [...filter, ...renditionOutputOptions(profile, tags, { audio: '0:a:0' })],
      },
      { path: output.pcmPath, options: [...filter, ...peaksPcmOutput(output.pcmPath).options] },
    ],
  };
}
