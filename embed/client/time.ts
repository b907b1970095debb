/** Time helpers shared by the server renderers and the browser script (pure, no DOM). */

/** Seconds → "1:02:03" / "2:03". */
export function clock(totalSeconds: number): string {
  const t = Math.max(0, Math.floor(totalSeconds || 0));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "90", "90.5", "90s", "1:30", "01:02:03.5", "npt:90" → seconds, else null. */
export function parseClock(text: string): number | null {
  const m = /^(?:npt:)?(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)s?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1] ?? 0);
  const min = Number(m[2] ?? 0);
  const s = Number(m[3]);
  if ((m[2] !== undefined && s >= 60) || (m[1] !== undefined && min >= 60)) return null;
  const total = h * 3600 + min * 60 + s;
  return Number.isFinite(total) ? total : null;
}

/**
 * W3C Media Fragments temporal dimension from a URL hash: "#t=10", "#t=10,20",
 * "#t=,20", "#t=npt:0:10,0:20". Other fragment parts (&xywh=…) are ignored.
 */
export function parseMediaFragment(hash: string): { start: number; end: number | null } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const value = params.get('t');
  if (!value) return null;
  const [a = '', b] = value.replace(/^npt:/, '').split(',');
  const start = a === '' ? 0 : parseClock(a);
  const end = b === undefined || b === '' ? null : parseClock(b);
  if (start === null || (b !== undefined && b !== '' && end === null)) return null;
  if (end !== null && end <= start) return null;
  return { start, end };
}
