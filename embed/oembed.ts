/**
 * oEmbed provider (oembed.com §2): which of our URLs can be embedded, and the
 * `rich` response with the player iframe, sized within maxwidth/maxheight.
 */
import { iframeHtml } from '../src/http/embed-code.js';
import escapeHtml from 'escape-html';
import { z } from 'zod';
import { xmlSafeText } from '../src/core/text-chars.js';

export type OEmbedTarget = { readonly kind: 'episode' | 'clip' | 'page'; readonly id: string };

const PATHS: readonly [RegExp, OEmbedTarget['kind']][] = [
  [/^\/embed\/episodes\/([a-z0-9]{1,64})\/?$/, 'episode'],
  [/^\/embed\/clips\/([a-z0-9]{1,64})\/?$/, 'clip'],
  [/^\/episodes\/([a-z0-9]{1,64})\/?$/, 'page'],
];

/** Our embed, clip and public page URLs (same origin as PUBLIC_URL, http or https); anything else is null. */
export function parseTargetUrl(url: string, publicUrl: string): OEmbedTarget | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const base = new URL(publicUrl);
  if (parsed.host !== base.host || !/^https?:$/.test(parsed.protocol)) return null;
  const prefix = base.pathname.replace(/\/+$/, '');
  if (prefix && !parsed.pathname.startsWith(prefix)) return null;
  const path = parsed.pathname.slice(prefix.length);
  for (const [pattern, kind] of PATHS) {
    const m = pattern.exec(path);
    if (m?.[1]) return { kind, id: m[1] };
  }
  return null;
}

/** A positive integer from the query, or undefined (absent or unusable). */
export function parseMax(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,5}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/** A maxwidth/maxheight: absent, or a positive whole number of pixels. */
const maxPixels = z
  .string({ error: 'must be given once' })
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const n = parseMax(value);
    if (n === undefined)
      ctx.addIssue({ code: 'custom', message: 'must be a whole number of pixels, 1 or more' });
    return n;
  });

/**
 * The query of `GET /oembed`. `format` is checked apart: an unknown one is the
 * spec's 501, not a 400.
 */
export const oembedQuerySchema = z.object({
  url: z
    .string({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be given once'),
    })
    .min(1, 'is required')
    .max(2048, 'must be at most 2048 characters'),
  format: z.string({ error: 'must be given once' }).default('json'),
  maxwidth: maxPixels,
  maxheight: maxPixels,
});

export function fitSize(
  size: { width: number; height: number },
  max: { maxwidth?: number | undefined; maxheight?: number | undefined },
): { width: number; height: number } {
  return {
    width: Math.min(size.width, max.maxwidth ?? Infinity),
    height: Math.min(size.height, max.maxheight ?? Infinity),
  };
}

export interface OEmbedInput {
  readonly title: string;
  readonly authorName: string;
  readonly authorUrl: string;
  readonly providerName: string;
  readonly providerUrl: string;
  readonly embedUrl: string;
  readonly width: number;
  readonly height: number;
  readonly thumbnail: { url: string; width: number; height: number } | null;
}

export type OEmbedResponse = Record<string, string | number>;

export function oembedResponse(input: OEmbedInput): OEmbedResponse {
  return {
    version: '1.0',
    type: 'rich',
    title: input.title,
    author_name: input.authorName,
    author_url: input.authorUrl,
    provider_name: input.providerName,
    provider_url: input.providerUrl,
    cache_age: 3600,
    html: iframeHtml(input.embedUrl, input.width, input.height, input.title),
    width: input.width,
    height: input.height,
    // The spec: thumbnail_url, _width and _height all together or not at all.
    ...(input.thumbnail
      ? {
          thumbnail_url: input.thumbnail.url,
          thumbnail_width: input.thumbnail.width,
          thumbnail_height: input.thumbnail.height,
        }
      : {}),
  };
}

/**
 * The XML form (oembed.com §2.3.4): one element per field, text escaped, with the
 * feed's character rule (what XML 1.0 cannot carry is dropped), so it stays well-formed.
 */
export function oembedXml(response: OEmbedResponse): string {
  const fields = Object.entries(response)
    .map(([k, v]) => `<${k}>${escapeHtml(xmlSafeText(String(v)))}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<oembed>${fields}</oembed>\n`;
}
