/**
 * The IAB Podcast Measurement v2.2 rules Antenne applies to audio requests
 * (docs/privacy.md says what is kept): a download is at least one minute of
 * audio by the rendition's average bitrate (the whole file when shorter),
 * summed over a listener's Range requests; HEAD is not a download.
 */
import { combineRanges, parse as parseRange } from 'range-parser';

/** Seconds of audio a listener must have asked for. */
export const DOWNLOAD_SECONDS = 60;

/** A listening rendition's size and length, what the threshold is computed from. */
export interface RenditionSize {
  readonly bytes: number;
  readonly durationSeconds: number;
}

/** Bytes that make a download: one minute at the average bitrate, or the whole file. */
export function downloadThreshold({ bytes, durationSeconds }: RenditionSize): number {
  if (!(durationSeconds > DOWNLOAD_SECONDS) || bytes <= 0) return Math.max(bytes, 1);
  return Math.min(bytes, Math.ceil((bytes * DOWNLOAD_SECONDS) / durationSeconds));
}

/** An inclusive byte range, as Range and Content-Range write them. */
export interface ByteSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * The bytes a GET asks for: its Range (overlaps combined), or the whole file
 * without one or with one the server would ignore; none when it cannot be
 * satisfied (416).
 */
export function requestedSpans(bytes: number, range: string | undefined): ByteSpan[] {
  if (bytes <= 0) return [];
  const whole = [{ start: 0, end: bytes - 1 }];
  if (!range) return whole;
  const parsed = parseRange(bytes, range);
  if (parsed.type !== 'bytes') return whole;
  const ranges = combineRanges(parsed.ranges);
  // Unsatisfiable (416): nothing sent; malformed: the whole file, as /media answers it.
  if (ranges.length === 0) return (parsed.code & 2) !== 0 ? [] : whole;
  return ranges.map(({ start, end }) => ({ start, end }));
}

/** The union of spans, sorted; adjacent spans merge. */
export function unionOf(spans: readonly ByteSpan[]): ByteSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start <= last.end + 1) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

export const coveredBytes = (spans: readonly ByteSpan[]) =>
  unionOf(spans).reduce((sum, s) => sum + s.end - s.start + 1, 0);

/** The UTC calendar day of an instant, as the audience tables key it (YYYY-MM-DD). */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
