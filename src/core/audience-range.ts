/**
 * The date ranges audience reports cover: UTC calendar days, `from` and `to`
 * inclusive, as ISO dates (YYYY-MM-DD). Without them, the last 30 days up to today.
 * The audience tables keep one row per UTC day, so a range is a list of days.
 */
import { z } from 'zod';

export const DEFAULT_RANGE_DAYS = 30;
/** A year, leap day included: more is a query over every row of a show's history. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

export interface DayRange {
  readonly from: string;
  readonly to: string;
}

const isoDay = z.iso.date('is not a date (YYYY-MM-DD)');

/** Milliseconds of a UTC day's midnight. */
const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => dayOf(dayMs(day) + n * DAY_MS);

/** Number of days from `from` to `to`, both counted. */
export const daysIn = (range: DayRange): number =>
  Math.round((dayMs(range.to) - dayMs(range.from)) / DAY_MS) + 1;

/** Every day of the range, in order. */
export function eachDay(range: DayRange): string[] {
  const n = daysIn(range);
  return Array.from({ length: Math.max(0, n) }, (_, i) => addDays(range.from, i));
}

/**
 * The range a query asks for: `to` defaults to today (UTC), `from` to 30 days ending
 * at `to`. Returns the problem with the field it concerns when the range is backwards
 * or longer than MAX_RANGE_DAYS.
 */
export function resolveRange(
  query: { readonly from?: string | undefined; readonly to?: string | undefined },
  today: Date,
): { range: DayRange } | { field: 'from' | 'to'; message: string } {
  const to = query.to ?? utcDay(today);
  const from = query.from ?? addDays(to, 1 - DEFAULT_RANGE_DAYS);
  if (from > to) return { field: 'from', message: `must be on or before "to" (${to})` };
  if (daysIn({ from, to }) > MAX_RANGE_DAYS)
    return {
      field: query.from && query.to ? 'to' : 'from',
      message: `the range must not exceed ${MAX_RANGE_DAYS} days`,
    };
  return { range: { from, to } };
}

/** The query parameters that choose a range (documented and validated by this schema). */
export const rangeQueryShape = {
  from: isoDay.optional().describe('First day, inclusive, UTC (default: 29 days before `to`)'),
  to: isoDay.optional().describe('Last day, inclusive, UTC (default: today)'),
};

/**
 * A query schema with the range parameters (and `extra` ones), refusing a backwards or
 * too long range on the field at fault. `now` is read at each parse.
 */
export function rangeQuerySchema<E extends z.ZodRawShape = Record<never, never>>(
  extra?: E,
  now: () => Date = () => new Date(),
) {
  return z.object({ ...rangeQueryShape, ...(extra ?? ({} as E)) }).superRefine((q, ctx) => {
    const { from, to } = q as { from?: unknown; to?: unknown };
    // A field that is not a date has its own issue already.
    if (![from, to].every((d) => d === undefined || isoDay.safeParse(d).success)) return;
    const resolved = resolveRange(q as { from?: string; to?: string }, now());
    if ('field' in resolved)
      ctx.addIssue({ code: 'custom', path: [resolved.field], message: resolved.message });
  });
}

/**
 * One entry per day of the range, from the days the database returned (sparse,
 * in any order): a day without a row is `empty(day)`, a row outside the range is dropped.
 */
export function fillDays<T extends { readonly day: string }>(
  range: DayRange,
  rows: readonly T[],
  empty: (day: string) => T,
): T[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return eachDay(range).map((day) => byDay.get(day) ?? empty(day));
}
