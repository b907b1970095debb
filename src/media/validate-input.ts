import { BadMediaError } from '../core/errors.js';
import type { ProbeResult } from '../core/media-types.js';

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/** Refuses what can never become an episode, with a reason an editor can act on. */
export function assertUsableAudio(probe: ProbeResult, maxDurationSeconds: number): void {
  if (!probe.audio) {
    throw new BadMediaError(
      `The file has no audio track (ffmpeg sees a "${probe.formatName}" file). Upload the interview as an audio file (MP3, WAV, M4A, FLAC, OGG…) or a video with sound.`,
    );
  }
  if (probe.durationSeconds === null || probe.durationSeconds <= 0) {
    throw new BadMediaError(
      'The audio track is empty (its duration is zero). Check the recording and upload it again.',
    );
  }
  if (probe.durationSeconds > maxDurationSeconds) {
    throw new BadMediaError(
      `The recording lasts ${formatDuration(probe.durationSeconds)}, longer than the ${formatDuration(maxDurationSeconds)} this service accepts.`,
    );
  }
}

/** ffprobe's complaint about a file it cannot read, in an editor's words. */
export function unreadableReason(ffprobeMessage: string): string {
  if (/not on whitelist|Protocol '.*' not on whitelist/i.test(ffprobeMessage)) {
    return 'The file is a playlist or a reference to other files, not audio. Upload the recording itself.';
  }
  return `The file is not audio that can be read (${ffprobeMessage.replace(/^.*?:\s*/, '').slice(0, 200)}). Upload an audio file such as MP3, WAV, M4A, FLAC or OGG.`;
}
