/**
 * WebVTT and SRT checks for `podcast:transcript` uploads: the format is
 * recognised from the content (never the file name) and every cue's timing is
 * checked, so a player never receives a file it cannot read.
 */
import { decodeHTML } from 'entities';

export type TranscriptFormat = 'vtt' | 'srt';

/** The `type` of `podcast:transcript` and the Content-Type it is served with. */
export const TRANSCRIPT_TYPES: Readonly<Record<TranscriptFormat, string>> = {
  vtt: 'text/vtt',
  srt: 'application/srt',
};

export type TranscriptCheck =
  | { ok: true; format: TranscriptFormat; cues: number; text: string }
  | { ok: false; problem: string };

const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const SRT_TIME = /^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$/;

function seconds(match: RegExpExecArray): number {
  return (
    Number(match[1] ?? 0) * 3600 +
    Number(match[2]) * 60 +
    Number(match[3]) +
    Number(match[4]) / 1000
  );
}

function timing(line: string, pattern: RegExp): { start: number; end: number } | null {
  const [left, rest] = line.split('-->');
  if (left === undefined || rest === undefined) return null;
  const right = rest.trim().split(/\s+/)[0] ?? '';
  const a = pattern.exec(left.trim());
  const b = pattern.exec(right);
  return a && b ? { start: seconds(a), end: seconds(b) } : null;
}

export function checkTranscript(bytes: Buffer): TranscriptCheck {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'The transcript is not UTF-8 text.' };
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!text.trim()) return { ok: false, problem: 'The transcript is empty.' };
  const format: TranscriptFormat = /^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(text) ? 'vtt' : 'srt';
  const blocks = text
    .split(/\n{2,}/)
    .map((b) => b.trim())
    .filter(Boolean);
  let cues = 0;
  for (const [index, block] of blocks.entries()) {
    const lines = block.split('\n');
    if (format === 'vtt') {
      if (index === 0) continue; // the WEBVTT header block
      if (/^(NOTE|STYLE|REGION)(\s|$)/.test(lines[0] ?? '')) continue;
      const at = lines.findIndex((l) => l.includes('-->'));
      if (at < 0 || at > 1)
        return {
          ok: false,
          problem: `Block ${index + 1} has no cue timing ("00:00:01.000 --> 00:00:04.000").`,
        };
      const t = timing(lines[at]!, VTT_TIME);
      if (!t || t.end < t.start)
        return { ok: false, problem: `Cue ${cues + 1} has an invalid timing: "${lines[at]}".` };
    } else {
      if (!/^\d+$/.test(lines[0]?.trim() ?? '')) {
        return {
          ok: false,
          problem: `Not WebVTT (no "WEBVTT" header) nor SRT (block ${index + 1} does not start with a cue number).`,
        };
      }
      const t = timing(lines[1] ?? '', SRT_TIME);
      if (!t || t.end < t.start)
        return {
          ok: false,
          problem: `Cue ${lines[0]} has an invalid timing: "${lines[1] ?? ''}" (SRT uses 00:00:01,000 --> 00:00:04,000).`,
        };
    }
    cues++;
  }
  if (cues === 0) return { ok: false, problem: 'The transcript has no cues.' };
  return { ok: true, format, cues, text };
}

/** One cue of a transcript, as the player shows it. */
export interface TranscriptCue {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** From a WebVTT voice span `<v Name>`. */
  readonly speaker?: string | undefined;
}

/**
 * The cues of a transcript that passed `checkTranscript`, as plain text for a
 * player (voice spans become the speaker, other tags are dropped).
 */
export function parseCues(text: string): TranscriptCue[] {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const vtt = /^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(normalised);
  const cues: TranscriptCue[] = [];
  for (const block of normalised.split(/\n{2,}/)) {
    const lines = block.trim().split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const t = timing(lines[at]!, vtt ? VTT_TIME : SRT_TIME);
    if (!t) continue;
    const raw = lines.slice(at + 1).join(' ');
    const speaker = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(raw)?.[1]?.trim();
    const plain = decodeHTML(raw.replace(/<[^>]*>/g, ''))
      .replace(/\s+/g, ' ')
      .trim();
    if (plain)
      cues.push({ start: t.start, end: t.end, text: plain, ...(speaker ? { speaker } : {}) });
  }
  return cues;
}
