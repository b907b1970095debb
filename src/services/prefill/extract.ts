/**
 * Reads an article's metadata from its HTML: schema.org (News)Article JSON-LD first,
 * then OpenGraph / article:* properties, then plain <meta> and <title>. Pure.
 */
import { load } from 'cheerio';

export interface ArticleMetadata {
  readonly articleUrl: string;
  readonly title: string | null;
  readonly summary: string | null;
  readonly author: string | null;
  readonly publishedAt: string | null;
  readonly imageUrl: string | null;
  readonly categories: string[];
  readonly language: string | null;
  readonly source: string | null;
}

type Json = Record<string, unknown>;

const ARTICLE_TYPES = /^(News|Report|Analysis|Opinion|Review|Background)?Article$|^BlogPosting$/;

function asArray(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (v && typeof v === 'object') {
    const o = v as Json;
    return str(o.name ?? o.url ?? o['@value']);
  }
  return null;
}

/** Every JSON-LD node, flattening arrays and @graph. */
function jsonLdNodes(blocks: string[]): Json[] {
  const out: Json[] = [];
  const visit = (v: unknown) => {
    for (const item of asArray(v)) {
      if (item && typeof item === 'object') {
        const o = item as Json;
        out.push(o);
        if (o['@graph']) visit(o['@graph']);
      }
    }
  };
  for (const block of blocks) {
    try {
      visit(JSON.parse(block));
    } catch {
      // A broken block on a page is common; the other sources still count.
    }
  }
  return out;
}

const isArticle = (n: Json) => asArray(n['@type']).some((t) => ARTICLE_TYPES.test(String(t)));

function absolute(u: string | null, base: string): string | null {
  if (!u) return null;
  try {
    const url = new URL(u, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function isoDate(s: string | null): string | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Decodes entities a CMS left double-escaped in JSON-LD (e.g. "&#8217;"). */
function text(s: string | null): string | null {
  if (!s) return null;
  const decoded = /&[#a-z0-9]+;/i.test(s) ? load(`<p>${s}</p>`)('p').text() : s;
  return decoded.replace(/\s+/g, ' ').trim() || null;
}

export function extractArticle(html: string, pageUrl: string): ArticleMetadata {
  const $ = load(html);
  const meta = (key: string): string | null =>
    str($(`meta[property="${key}"]`).attr('content')) ??
    str($(`meta[name="${key}"]`).attr('content'));
  const metaAll = (key: string): string[] =>
    $(`meta[property="${key}"], meta[name="${key}"]`)
      .map((_, el) => $(el).attr('content')?.trim() ?? '')
      .get()
      .filter(Boolean);

  const blocks = $('script[type="application/ld+json"]')
    .map((_, el) => $(el).text())
    .get();
  const article = jsonLdNodes(blocks).find(isArticle) ?? {};

  const authors = asArray(article.author)
    .map(str)
    .filter((a): a is string => !!a);
  const sections = [
    ...asArray(article.articleSection).map(str),
    ...metaAll('article:section'),
    ...metaAll('article:tag'),
    ...(typeof article.keywords === 'string'
      ? article.keywords.split(',')
      : asArray(article.keywords).map(str)),
  ]
    .map((s) => text(s ?? null))
    .filter((s): s is string => !!s);
  const categories = [...new Set(sections)].slice(0, 20);

  const canonical = $('link[rel="canonical"]').attr('href');
  const articleUrl =
    absolute(str(article.url) ?? meta('og:url') ?? canonical ?? null, pageUrl) ?? pageUrl;
  const image = asArray(article.image).map(str)[0] ?? meta('og:image') ?? meta('twitter:image');
  const lang = str(article.inLanguage) ?? $('html').attr('lang')?.trim() ?? null;

  return {
    articleUrl,
    title: text(
      str(article.headline) ?? meta('og:title') ?? meta('twitter:title') ?? $('title').text(),
    ),
    summary: text(str(article.description) ?? meta('og:description') ?? meta('description')),
    author: text(authors.length ? authors.join(', ') : (meta('author') ?? meta('article:author'))),
    publishedAt: isoDate(
      str(article.datePublished) ?? meta('article:published_time') ?? meta('date'),
    ),
    imageUrl: absolute(image ?? null, pageUrl),
    categories,
    language: lang && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(lang) ? lang : null,
    source: text(str(article.publisher) ?? meta('og:site_name')),
  };
}
