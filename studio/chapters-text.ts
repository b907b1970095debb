/**
 * Chapters as editors type them, one a line: "12:30 Le numérique en Normandie"
 * (h:mm:ss or m:ss, then the title), the form YouTube descriptions made familiar.
 * Shared by the page (to show the stored chapters) and the browser (to read the box).
 */
import type { Chapter, TitledChapter } from '../src/core/chapters.js';

export type TypedChapter = Pick<TitledChapter, 'startTime' | 'title'>;

export function formatChapterTime(seconds: number): string {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function chaptersToText(chapters: readonly Pick<Chapter, 'startTime' | 'title'>[]): string {
  return chapters
    .map((c) => `${formatChapterTime(c.startTime)} ${c.title ?? ''}`.trim())
    .join('\n');
}

const LINE = /^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d+))?\s+(.+)$/;

/** The chapters, or the 1-based numbers of the lines that are not "time title". */
export function parseChaptersText(
  text: string,
): { ok: true; chapters: TypedChapter[] } | { ok: false; badLines: number[] } {
  const chapters: TypedChapter[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = LINE.exec(line);
    if (!m || Number(m[3]) > 59 || (m[1] !== undefined && Number(m[2]) > 59)) {
      badLines.push(i + 1);
      return;
    }
    const fraction = m[4] ? Number(`0.${m[4]}`) : 0;
    chapters.push({
      startTime: Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + fraction,
      title: m[5]!.trim(),
    });
  });
  return badLines.length ? { ok: false, badLines } : { ok: true, chapters };
}
