import path from 'node:path';
import { ffmpegRun } from './audio.js';

/** A real image made by ffmpeg: `ext` png or jpg, any size. */
export async function makeImage(
  dir: string,
  width: number,
  height: number,
  ext: 'png' | 'jpg' | 'gif',
): Promise<string> {
  const out = path.join(dir, `art-${width}x${height}.${ext}`);
  await ffmpegRun([
    '-f',
    'lavfi',
    '-i',
    `color=c=0x1d4e89:s=${width}x${height}`,
    '-frames:v',
    '1',
    out,
  ]);
  return out;
}
