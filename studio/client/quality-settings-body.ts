/**
 * What the thresholds form sends: only what differs from the defaults (the API
 * fills in the rest), or the fields that are not numbers.
 */
export interface ThresholdField {
  readonly name: string;
  /** As typed; '' for an empty field. */
  readonly value: string;
  /** The browser could not read the text as a number (type="number"'s badInput). */
  readonly badInput?: boolean;
  readonly fallback: number;
}

export interface SeverityField {
  readonly code: string;
  readonly value: string;
  readonly fallback: string;
}

export type QualityBody =
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly fields: readonly string[] };

export function qualityBody(
  thresholds: readonly ThresholdField[],
  severities: readonly SeverityField[],
): QualityBody {
  const body: Record<string, unknown> = {};
  const bad: string[] = [];
  for (const f of thresholds) {
    const text = f.value.trim().replace(',', '.');
    if (f.badInput) {
      bad.push(f.name);
      continue;
    }
    // Empty: the default.
    if (!text) continue;
    const n = Number(text);
    if (!Number.isFinite(n)) bad.push(f.name);
    else if (n !== f.fallback) body[f.name] = n;
  }
  if (bad.length) return { ok: false, fields: bad };
  const changed = severities.filter((s) => s.value !== s.fallback);
  if (changed.length) body.severities = Object.fromEntries(changed.map((s) => [s.code, s.value]));
  return { ok: true, body };
}
