/**
 * The article summary is HTML from the newsroom's CMS. One policy for every place
 * that shows it (feeds, the public episode page): the tags Apple allows in
 * descriptions (p, ol, ul, li, a) plus simple emphasis and quotes; links are
 * http(s)/mailto only; scripts and styles are dropped with their content.
 * Plain text (descriptions without markup, meta tags, JSON-LD) comes from the same
 * sanitised HTML, its entities decoded once by the `entities` library.
 */
import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';

const POLICY: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'a', 'ul', 'ol', 'li', 'strong', 'b', 'em', 'i', 'blockquote'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  disallowedTagsMode: 'discard',
};

/** The same policy on a web page: links leave the page without handing it to the target. */
const PAGE_POLICY: sanitizeHtml.IOptions = {
  ...POLICY,
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener nofollow', target: '_blank' }),
  },
};

const TEXT_ONLY: sanitizeHtml.IOptions = { allowedTags: [], allowedAttributes: {} };

const memo = new Map<string, string>();
const MEMO_LIMIT = 50_000;

/** Memoised: a feed rebuild sanitises the same summaries again and again. */
export function sanitizeSummary(html: string): string {
  let clean = memo.get(html);
  if (clean === undefined) {
    clean = sanitizeHtml(html, POLICY);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(html, clean);
  }
  return clean;
}

/** The summary for the public episode page (links open in a new tab, `rel=noopener`). */
export function sanitizeSummaryForPage(html: string): string {
  return sanitizeHtml(html, PAGE_POLICY);
}

/** Plain text of an HTML fragment, entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  return decodeHTML(sanitizeHtml(html, TEXT_ONLY)).replace(/\s+/g, ' ').trim();
}

/** The summary as a short plain text (meta descriptions, JSON-LD), cut at `max` with "…". */
export function summaryText(html: string, max = 300): string {
  const text = htmlToText(html);
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
