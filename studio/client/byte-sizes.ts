/**
 * Byte counts as people read them, in the page's language: « 312 Mo sur 640 Mo »,
 * "312 MB of 640 MB". Decimal units (as file managers and phones show sizes); both
 * sides of a progress line in the unit of the whole.
 */
const UNITS = [
  { unit: 'byte', size: 1 },
  { unit: 'kilobyte', size: 1e3 },
  { unit: 'megabyte', size: 1e6 },
  { unit: 'gigabyte', size: 1e9 },
] as const;

type Unit = (typeof UNITS)[number];

function unitFor(bytes: number): Unit {
  let chosen: Unit = UNITS[0];
  for (const u of UNITS) if (bytes >= u.size) chosen = u;
  return chosen;
}

/** `bytes` in `unit` (by default the one that fits it): three significant figures at most. */
export function formatByteSize(lang: string, bytes: number, unit: Unit = unitFor(bytes)): string {
  const value = bytes / unit.size;
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: unit.unit,
    unitDisplay: 'short',
    maximumFractionDigits: unit.size === 1 || value >= 100 ? 0 : value >= 10 ? 1 : 2,
  }).format(value);
}

/** "done of total — percent" parts, in the unit of the total. */
export function progressParts(
  lang: string,
  done: number,
  total: number,
): { done: string; total: string; percent: string } {
  const unit = unitFor(total);
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  return {
    done: formatByteSize(lang, done, unit),
    total: formatByteSize(lang, total, unit),
    percent: new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(
      Math.floor(ratio * 100) / 100,
    ),
  };
}
