/**
 * The feed check for editors: what Apple Podcasts or the Podcasting 2.0
 * namespace would reject (errors) or flag (warnings). Reads the feed as XML
 * (not through our builder), so it checks what clients actually receive.
 */
import { XMLParser } from 'fast-xml-parser';
import { appleCategoryProblem } from '../core/apple-categories.js';
import { checkArtwork } from '../core/artwork.js';
import type { FetchLimits, SafeResponse } from '../net/safe-fetch.js';

/** Enough for a 3000×3000 JPEG; a deadline an editor can wait for. */
export const FEED_CHECK_LIMITS: FetchLimits = {
  timeoutMs: 10_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
};

export interface FeedProblem {
  readonly severity: 'error' | 'warning';
  /** "channel" or "item <guid or title>". */
  readonly where: string;
  readonly message: string;
  /** The item rule broken, by a stable name, and the figures its sentence quotes (for translations). */
  readonly rule?: ItemRule;
  readonly data?: Readonly<Record<string, string | number>>;
}

/** The item rules by name: the studio words them in the editor's language. */
export const ITEM_RULES = [
  'title-missing',
  'guid-missing',
  'description-too-long',
  'pubdate-invalid',
  'enclosure-missing',
  'enclosure-type-missing',
  'enclosure-length-invalid',
  'duration-missing',
  'explicit-invalid',
  'episode-type-invalid',
  'transcript-url-missing',
  'transcript-type-invalid',
  'chapters-url-missing',
  'chapters-type-invalid',
  'alternate-type-missing',
  'alternate-source-missing',
  'soundbite-invalid',
  'guid-repeated',
  'enclosure-http',
  'enclosure-length-mismatch',
  'enclosure-unchecked',
] as const;
export type ItemRule = (typeof ITEM_RULES)[number];

export interface FeedCheckResult {
  readonly ok: boolean;
  readonly items: number;
  readonly problems: readonly FeedProblem[];
}

/** A GET or HEAD through the SSRF-safe fetcher; rejects with a SafeFetchError. */
export type FeedFetch = (url: string, method: 'GET' | 'HEAD') => Promise<SafeResponse>;

export interface FeedCheckOptions {
  /** Fetches artwork and HEADs enclosures; omit to skip the network checks. */
  readonly fetch?: FeedFetch;
  readonly concurrency?: number;
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

const ARRAYS = new Set([
  'item',
  'itunes:category',
  'category',
  'podcast:person',
  'podcast:alternateEnclosure',
  'podcast:soundbite',
  'podcast:transcript',
  'podcast:source',
  'atom:link',
]);

type Node = Record<string, unknown>;
const MEDIUMS = [
  'podcast',
  'music',
  'video',
  'film',
  'audiobook',
  'newsletter',
  'blog',
  'publisher',
  'course',
];
const MEDIUM_LISTS = MEDIUMS.map((m) => `${m}L`);
const TRANSCRIPT_TYPES = [
  'text/plain',
  'text/html',
  'text/vtt',
  'application/json',
  'application/srt',
  'application/x-subrip',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const inner = (value as Node)['#text'];
    return typeof inner === 'string' || typeof inner === 'number' ? String(inner) : '';
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}
const attr = (node: unknown, name: string): string | undefined =>
  node && typeof node === 'object' ? (text((node as Node)[`@_${name}`]) ?? undefined) : undefined;
const list = (value: unknown): Node[] =>
  Array.isArray(value) ? (value as Node[]) : value ? [value as Node] : [];
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function checkFeed(
  xml: string,
  options: FeedCheckOptions = {},
): Promise<FeedCheckResult> {
  const problems: FeedProblem[] = [];
  const error = (where: string, message: string) =>
    problems.push({ severity: 'error', where, message });
  const warn = (where: string, message: string) =>
    problems.push({ severity: 'warning', where, message });
  /** An item rule, named, with the figures its sentence quotes. */
  const itemProblem = (
    severity: FeedProblem['severity'],
    where: string,
    rule: ItemRule,
    message: string,
    data?: Record<string, string | number>,
  ) => problems.push({ severity, where, message, rule, ...(data ? { data } : {}) });
  const itemError = (
    where: string,
    rule: ItemRule,
    message: string,
    data?: Record<string, string | number>,
  ) => itemProblem('error', where, rule, message, data);

  let doc: Node;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      isArray: (name) => ARRAYS.has(name),
    }).parse(xml, true) as Node;
  } catch (e) {
    error('feed', `The feed is not well-formed XML: ${(e as Error).message}`);
    return { ok: false, items: 0, problems };
  }
  const rss = doc.rss as Node | undefined;
  const channel = rss?.channel as Node | undefined;
  if (!rss || !channel) {
    error('feed', 'The document is not an RSS 2.0 feed (no <rss><channel>).');
    return { ok: false, items: 0, problems };
  }
  if (attr(rss, 'version') !== '2.0') error('channel', '<rss version="2.0"> is required.');

  const c = 'channel';
  for (const tag of ['title', 'description']) {
    if (!text(channel[tag])?.trim()) error(c, `<${tag}> is missing.`);
  }
  const description = text(channel.description) ?? '';
  if (bytes(description) > 4000)
    error(c, `<description> is ${bytes(description)} bytes; Apple's limit is 4000.`);
  if (!text(channel.language)) warn(c, '<language> is missing.');
  if (!text(channel.link)) warn(c, '<link> is missing.');
  if (!text(channel['itunes:author'])) warn(c, '<itunes:author> is missing.');
  const owner = channel['itunes:owner'] as Node | undefined;
  if (!text(owner?.['itunes:email']))
    warn(c, '<itunes:owner><itunes:email> is missing (Apple uses it to verify ownership).');
  const selfLink = list(channel['atom:link']).find((l) => attr(l, 'rel') === 'self');
  if (!selfLink) warn(c, '<atom:link rel="self"> is missing.');

  const explicit = text(channel['itunes:explicit']);
  if (explicit === undefined) error(c, '<itunes:explicit> is required by Apple.');
  else if (!['true', 'false'].includes(explicit))
    error(c, `<itunes:explicit> is "${explicit}"; use true or false.`);

  const categories = list(channel['itunes:category']);
  if (!categories.length) error(c, '<itunes:category> is required by Apple.');
  for (const category of categories) {
    const name = attr(category, 'text') ?? '';
    const sub = list(category['itunes:category'])[0];
    const problem = appleCategoryProblem(name, sub ? (attr(sub, 'text') ?? '') : null);
    if (problem)
      error(
        c,
        `<itunes:category text="${name}"> ${problem.field === 'subcategory' ? 'subcategory ' : ''}${problem.message}.`,
      );
  }

  const artwork = attr(channel['itunes:image'], 'href');
  if (!artwork) error(c, '<itunes:image href> is required by Apple.');
  else if (options.fetch) {
    try {
      const res = await options.fetch(artwork, 'GET');
      if (!res.ok) error(c, `The artwork ${artwork} answers HTTP ${res.status}.`);
      else {
        const check = checkArtwork(new Uint8Array(res.body));
        if (!check.ok) error(c, check.problem);
      }
    } catch (e) {
      error(c, `The artwork ${artwork} could not be checked: ${reason(e)}.`);
    }
  }

  const guid = text(channel['podcast:guid']);
  if (guid === undefined) warn(c, '<podcast:guid> is missing.');
  else if (!UUID.test(guid)) error(c, `<podcast:guid> "${guid}" is not a UUID.`);
  const locked = channel['podcast:locked'];
  if (locked !== undefined) {
    if (!['yes', 'no'].includes(text(locked) ?? ''))
      error(c, '<podcast:locked> must be yes or no.');
  } else warn(c, '<podcast:locked> is missing.');
  const medium = text(channel['podcast:medium']);
  if (medium !== undefined && !MEDIUMS.includes(medium) && !MEDIUM_LISTS.includes(medium)) {
    error(c, `<podcast:medium> "${medium}" is not in the namespace's list.`);
  }

  const items = list(channel.item);
  const seen = new Map<string, number>();
  const enclosures: { where: string; url: string; length: number }[] = [];
  items.forEach((item, index) => {
    const itemGuid = text(item.guid);
    const where = `item ${itemGuid ?? text(item.title) ?? `#${index + 1}`}`;
    if (!text(item.title)?.trim()) itemError(where, 'title-missing', '<title> is missing.');
    if (!itemGuid) itemError(where, 'guid-missing', '<guid> is missing.');
    else seen.set(itemGuid, (seen.get(itemGuid) ?? 0) + 1);
    const desc = text(item.description) ?? '';
    if (bytes(desc) > 4000)
      itemError(
        where,
        'description-too-long',
        `<description> is ${bytes(desc)} bytes; Apple's limit is 4000.`,
        { bytes: bytes(desc), limit: 4000 },
      );
    const pubDate = text(item.pubDate);
    if (!pubDate || !Number.isFinite(Date.parse(pubDate)))
      itemError(where, 'pubdate-invalid', '<pubDate> is missing or not a date.');
    const enclosure = item.enclosure as Node | undefined;
    const url = attr(enclosure, 'url');
    const length = Number(attr(enclosure, 'length'));
    if (!enclosure || !url) itemError(where, 'enclosure-missing', '<enclosure url> is missing.');
    else {
      if (!attr(enclosure, 'type'))
        itemError(where, 'enclosure-type-missing', '<enclosure type> is missing.');
      if (!Number.isInteger(length) || length <= 0)
        itemError(
          where,
          'enclosure-length-invalid',
          '<enclosure length> must be the file size in bytes.',
        );
      else enclosures.push({ where, url, length });
    }
    if (!text(item['itunes:duration']))
      itemProblem('warning', where, 'duration-missing', '<itunes:duration> is missing.');
    const itemExplicit = text(item['itunes:explicit']);
    if (itemExplicit !== undefined && !['true', 'false'].includes(itemExplicit)) {
      itemError(
        where,
        'explicit-invalid',
        `<itunes:explicit> is "${itemExplicit}"; use true or false.`,
        { value: itemExplicit },
      );
    }
    const type = text(item['itunes:episodeType']);
    if (type !== undefined && !['full', 'trailer', 'bonus'].includes(type)) {
      itemError(
        where,
        'episode-type-invalid',
        `<itunes:episodeType> "${type}" is not full, trailer or bonus.`,
        { value: type },
      );
    }
    for (const t of list(item['podcast:transcript'])) {
      if (!attr(t, 'url'))
        itemError(where, 'transcript-url-missing', '<podcast:transcript> has no url.');
      if (!TRANSCRIPT_TYPES.includes(attr(t, 'type') ?? ''))
        itemError(
          where,
          'transcript-type-invalid',
          `<podcast:transcript type="${attr(t, 'type') ?? ''}"> is not a transcript type.`,
          { value: attr(t, 'type') ?? '' },
        );
    }
    const chapters = item['podcast:chapters'];
    if (chapters !== undefined) {
      if (!attr(chapters, 'url'))
        itemError(where, 'chapters-url-missing', '<podcast:chapters> has no url.');
      if (attr(chapters, 'type') !== 'application/json+chapters')
        itemError(
          where,
          'chapters-type-invalid',
          '<podcast:chapters type> must be application/json+chapters.',
        );
    }
    for (const alt of list(item['podcast:alternateEnclosure'])) {
      if (!attr(alt, 'type'))
        itemError(where, 'alternate-type-missing', '<podcast:alternateEnclosure> has no type.');
      if (!list(alt['podcast:source']).some((s) => attr(s, 'uri')))
        itemError(
          where,
          'alternate-source-missing',
          '<podcast:alternateEnclosure> has no <podcast:source uri>.',
        );
    }
    for (const bite of list(item['podcast:soundbite'])) {
      const start = Number(attr(bite, 'startTime'));
      const duration = Number(attr(bite, 'duration'));
      if (!(start >= 0) || !(duration > 0))
        itemError(
          where,
          'soundbite-invalid',
          '<podcast:soundbite> needs startTime ≥ 0 and duration > 0.',
        );
    }
  });
  for (const [g, n] of seen)
    if (n > 1)
      itemError(
        `item ${g}`,
        'guid-repeated',
        `The guid appears ${n} times: apps would merge or hide these episodes.`,
        { count: n },
      );

  const doFetch = options.fetch;
  if (doFetch) {
    await mapLimit(enclosures, options.concurrency ?? 8, async ({ where, url, length }) => {
      try {
        const res = await doFetch(url, 'HEAD');
        const served = Number(res.headers['content-length']);
        if (!res.ok)
          itemError(where, 'enclosure-http', `The enclosure ${url} answers HTTP ${res.status}.`, {
            url,
            status: res.status,
          });
        else if (served !== length)
          itemError(
            where,
            'enclosure-length-mismatch',
            `<enclosure length="${length}"> but the server sends ${served} bytes.`,
            { length, served },
          );
      } catch (e) {
        itemError(
          where,
          'enclosure-unchecked',
          `The enclosure ${url} could not be checked: ${reason(e)}.`,
          { url, reason: reason(e) },
        );
      }
    });
  }
  return { ok: !problems.some((p) => p.severity === 'error'), items: items.length, problems };
}
