import sanitizeHtml from 'sanitize-html';

/**
 * The article summary as HTML that podcast apps may render: the tags Apple
 * allows in descriptions (p, ol, ul, li, a) plus simple emphasis; links are
 * http(s)/mailto only; scripts and styles are dropped with their content.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'a', 'ul', 'ol', 'li', 'strong', 'b', 'em', 'i', 'blockquote'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  disallowedTagsMode: 'discard',
};

const memo = new Map<string, string>();
const MEMO_LIMIT = 50_000;

/** Memoised: a feed rebuild sanitises the same summaries again and again. */
export function sanitizeSummary(html: string): string {
  let clean = memo.get(html);
  if (clean === undefined) {
    clean = sanitizeHtml(html, OPTIONS);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(html, clean);
  }
  return clean;
}

/** Plain text of an HTML fragment (for places that take no markup). */
export function htmlToText(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
