/**
 * Pure argument builder for a correction's cuts: the kept ranges of the master,
 * joined into one lossless master (FLAC) that the ladder is then made from, as
 * from an upload. Each joint gets a 10 ms fade out and in, so a cut mid-word
 * does not click; the fades take nothing away, so the length is exactly the
 * sum of the kept ranges.
 */
import type { Cut } from '../core/corrections.js';
import type { FfmpegInvocation } from './ffmpeg.js';

export const JOINT_FADE_SECONDS = 0.01;

const s = (n: number) => n.toFixed(3);

/** The filter graph: one trimmed branch per kept range, concatenated into [out]. */
export function cutFilterGraph(kept: readonly Cut[]): string {
  if (kept.length === 0) throw new Error('nothing kept');
  const branches = kept.map((range, i) => {
    const length = range.end - range.start;
    const fade = Math.min(JOINT_FADE_SECONDS, length / 4);
    const last = i === kept.length - 1;
    const filters = [
      // The last range runs to the end of the decoded audio, whatever the header said.
      last ? `atrim=start=${s(range.start)}` : `atrim=start=${s(range.start)}:end=${s(range.end)}`,
      'asetpts=PTS-STARTPTS',
      ...(i > 0 ? [`afade=t=in:st=0:d=${s(fade)}`] : []),
      ...(!last ? [`afade=t=out:st=${s(length - fade)}:d=${s(fade)}`] : []),
    ];
    return `[a${i}]${filters.join(',')}[k${i}]`;
  });
  const split =
    kept.length > 1
      ? `[0:a:0]asplit=${kept.length}${kept.map((_, i) => `[a${i}]`).join('')}`
      : '[0:a:0]anull[a0]';
  const labels = kept.map((_, i) => `[k${i}]`).join('');
  return [split, ...branches, `${labels}concat=n=${kept.length}:v=0:a=1[out]`].join(';');
}

export function cutInvocation(
  input: string,
  output: string,
  kept: readonly Cut[],
): FfmpegInvocation {
  return {
    input,
    filterComplex: cutFilterGraph(kept),
    outputs: [
      {
        path: output,
        options: ['-map', '[out]', '-map_metadata', '-1', '-c:a', 'flac', '-f', 'flac'],
      },
    ],
  };
}
