/**
 * Theming by query parameters: `accent` (a hex colour, with or without #) and
 * `theme` (light, dark or auto). Anything else is ignored, never echoed.
 */
import { createHash } from 'node:crypto';

export interface Theme {
  readonly accent: string | null;
  readonly scheme: 'light' | 'dark' | 'auto';
}

export const DEFAULT_THEME: Theme = { accent: null, scheme: 'auto' };

export function parseTheme(query: Record<string, unknown>): Theme {
  const accentRaw = typeof query.accent === 'string' ? query.accent.replace(/^#/, '') : '';
  const accent = /^(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(accentRaw)
    ? `#${accentRaw.toLowerCase()}`
    : null;
  const scheme = query.theme === 'light' || query.theme === 'dark' ? query.theme : 'auto';
  return { accent, scheme };
}

/** The inline style the theme needs (validated hex only), or null. */
export function themeStyle(theme: Theme): string | null {
  return theme.accent ? `:root{--accent:${theme.accent}}` : null;
}

/** CSP source allowing exactly that inline style. */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/** Query string carrying the theme on to links (share, oEmbed iframe). */
export function themeQuery(theme: Theme): string {
  const params = new URLSearchParams();
  if (theme.accent) params.set('accent', theme.accent.slice(1));
  if (theme.scheme !== 'auto') params.set('theme', theme.scheme);
  const s = params.toString();
  return s ? `?${s}` : '';
}
