/**
 * How both UIs speak French or English: catalogues keyed by language (./studio.ts for
 * the studio, ./player.ts for the player and public pages), `{name}` slots filled by
 * `fill`, and one way to choose the language. Browser code imports `fill` too.
 */
import type { Request } from 'express';

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

export const isLang = (value: unknown): value is Lang => value === 'fr' || value === 'en';

/** A show's language tag (fr, fr-CA, en-GB…) as one of ours: French, else English. */
export function langOf(tag: string | null | undefined): Lang {
  return tag?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** A string with its `{name}`-style slots filled; unknown slots stay as written. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (slot, key: string) =>
    key in values ? String(values[key]) : slot,
  );
}

/**
 * The visitor's choice (a cookie set by the language switch) first, else the best of
 * our languages in Accept-Language (express's negotiation), else English.
 */
export function pickLang(req: Pick<Request, 'acceptsLanguages'>, chosen: unknown): Lang {
  if (isLang(chosen)) return chosen;
  const accepted = req.acceptsLanguages(...LANGS);
  return isLang(accepted) ? accepted : 'en';
}
