/**
 * Pure: (show, episodes, files) → RSS 2.0 + Apple (itunes:) + Podcasting 2.0
 * (podcast:) XML. The npm `podcast` package maps our options to its elements
 * (itunes:*, content:encoded) and `xml` writes every element, escaping every
 * text and attribute; nothing here concatenates data into markup. Deterministic:
 * the same data gives the same bytes (the ETag only changes when the feed does),
 * so dates come from the data, never the clock.
 *
 * The RSS 2.0 core elements are laid out here (as `rss`, under `podcast`, lays
 * them out) instead of by `podcast.buildXml()`: that renders whole documents
 * only and stamps lastBuildDate with the clock. Laid out here, each item is
 * one element rendered on its own, which the publisher keeps and reuses while
 * it is unchanged (a 10,000-episode feed is rebuilt in about a second), and
 * lastBuildDate comes from the data.
 */
import { Podcast, type Feed, type FeedOptions, type Item, type ItemOptions } from 'podcast';
import renderXml, { type XmlObject } from 'xml';
import { correctionHeading, type CorrectionNote } from '../core/corrections.js';
import { showArtworkUrl, type Episode, type Rendition, type Show } from '../core/domain.js';
import { htmlToText, sanitizeSummary } from '../core/sanitize.js';
// XML 1.0 forbids some characters (controls, lone surrogates): dropped, not escaped.
import { xmlSafeText as xmlChars } from '../core/text-chars.js';
import { appleMimeType, itunesDuration } from './itunes.js';

export interface Soundbite {
  readonly startTime: number;
  readonly duration: number;
  readonly title?: string | undefined;
}

export interface FeedEntry {
  readonly episode: Episode;
  /** The rendition used as `<enclosure>` (the MP3). */
  readonly enclosure: Rendition;
  /** Other audio renditions (AAC, Opus…): `podcast:alternateEnclosure`. */
  readonly alternates?: readonly Rendition[];
  readonly soundbites?: readonly Soundbite[];
}

export interface FeedChannel {
  readonly show: Show;
  /** Topic feeds override title, description and guid; everything else is the show's. */
  readonly title?: string;
  readonly description?: string;
  readonly podcastGuid?: string;
}

export interface FeedInput extends FeedChannel {
  readonly entries: readonly FeedEntry[];
  readonly feedUrl: string;
  /** Turns a storage key into a public absolute URL. */
  readonly mediaUrl: (storageKey: string) => string;
  readonly generator?: string;
}

/** The namespaces `podcast` does not declare by itself (it adds itunes and podcast; rss adds dc, content, atom). */
const NAMESPACE_OPTIONS = { iTunes: true, podcast: true, simpleChapters: false };

/** Apple's limit for descriptions (bytes are a safe reading of "characters"). */
const DESCRIPTION_MAX_BYTES = 4000;

function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = text.slice(0, max);
  while (Buffer.byteLength(`${out}…`, 'utf8') > max) out = out.slice(0, -1);
  return `${out}…`;
}

const seconds = (n: number) => String(Math.round(n * 1000) / 1000);

/** SRI value from a hex sha256: what `podcast:integrity` carries. */
const sri = (hex: string) => `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;

/** What the channel part needs beyond the show: dates come from the data, never the clock. */
export interface ChannelHead extends FeedChannel {
  readonly feedUrl: string;
  readonly mediaUrl: (storageKey: string) => string;
  readonly generator?: string;
  /** Latest change of the show or an episode: lastBuildDate. */
  readonly lastChange: Date;
  /** Newest item's date: pubDate. */
  readonly newest: Date;
  /** A WebSub hub apps may subscribe to: `<atom:link rel="hub">`. */
  readonly hubUrl?: string | undefined;
  /** Where the feed now lives, for apps to move their subscription: `itunes:new-feed-url`. */
  readonly newFeedUrl?: string | undefined;
}

/** An element with attributes and optional text, in the notation `podcast` (and `xml`) take. */
const element = (
  name: string,
  attrs: Record<string, string | number | undefined>,
  text?: string,
): Record<string, unknown> => {
  const clean = Object.fromEntries(
    Object.entries(attrs)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? xmlChars(v) : v]),
  );
  return { [name]: text === undefined ? { _attr: clean } : [{ _attr: clean }, xmlChars(text)] };
};

function channelOptions(input: ChannelHead): FeedOptions {
  const { show } = input;
  const artwork = showArtworkUrl(show, input.mediaUrl);
  const title = xmlChars(input.title ?? show.title);
  const description = xmlChars(input.description ?? show.description);
  const customElements: unknown[] = [];
  if (artwork) {
    // RSS 2.0's own <image> (rss renders it only from an option `podcast` does not pass on).
    customElements.push({
      image: [{ url: artwork }, { title }, { link: xmlChars(show.siteUrl) }],
    });
  }
  customElements.push(
    { 'podcast:guid': input.podcastGuid ?? show.podcastGuid },
    element('podcast:locked', { owner: show.owner.email }, show.locked === false ? 'no' : 'yes'),
    { 'podcast:medium': show.medium ?? 'podcast' },
  );
  if (show.txt) customElements.push({ 'podcast:txt': xmlChars(show.txt) });
  if (input.newFeedUrl) customElements.push({ 'itunes:new-feed-url': xmlChars(input.newFeedUrl) });
  return {
    title,
    description,
    siteUrl: xmlChars(show.siteUrl),
    feedUrl: xmlChars(input.feedUrl),
    language: show.language,
    ...(show.copyright ? { copyright: xmlChars(show.copyright) } : {}),
    generator: input.generator ?? 'Antenne',
    pubDate: input.newest,
    // itunes:author only: RSS 2.0 has no channel <author> (rss would write one from `author`).
    itunesAuthor: xmlChars(show.author),
    itunesSummary: description,
    itunesOwner: { name: xmlChars(show.owner.name), email: xmlChars(show.owner.email) },
    itunesCategory: [
      show.subcategory
        ? { text: show.category, subcats: [{ text: show.subcategory }] }
        : { text: show.category },
    ],
    itunesExplicit: show.explicit,
    itunesType: show.type,
    ...(artwork ? { itunesImage: artwork } : {}),
    namespaces: NAMESPACE_OPTIONS,
    customElements,
  };
}

/** What `rss` declares besides the namespaces `podcast` adds (itunes, podcast). */
const DOCUMENT_START =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<rss xmlns:dc="http://purl.org/dc/elements/1.1/"' +
  ' xmlns:content="http://purl.org/rss/1.0/modules/content/"' +
  ' xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"' +
  ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"' +
  ' xmlns:podcast="https://podcastindex.org/namespace/1.0">\n' +
  '  <channel>\n';

/**
 * One element per line: channel children at depth 2, item children at depth 3.
 * One `xml` call for the lot, the layout as whitespace text between elements
 * (whitespace needs no escaping): each call costs a closure and a nextTick.
 */
function lines(elements: readonly unknown[], indent: string): string {
  if (!elements.length) return '';
  const laidOut: unknown[] = [];
  for (const element of elements) laidOut.push(indent, element, '\n');
  return renderXml(laidOut as XmlObject[]);
}

const cdata = (text: string) => ({ _cdata: text });

/** The channel's RSS 2.0 elements, then `podcast`'s (itunes) and ours (custom elements). */
function channelElements(feed: Feed, lastBuildDate: Date, hubUrl: string | undefined): unknown[] {
  return [
    { title: cdata(feed.title) },
    { description: cdata(feed.description || feed.title) },
    { link: feed.siteUrl },
    { generator: feed.generator ?? null },
    { lastBuildDate: lastBuildDate.toUTCString() },
    { 'atom:link': { _attr: { href: feed.feedUrl, rel: 'self', type: 'application/rss+xml' } } },
    // WebSub discovery: subscribers learn of changes from the hub instead of polling.
    ...(hubUrl ? [{ 'atom:link': { _attr: { href: xmlChars(hubUrl), rel: 'hub' } } }] : []),
    ...(feed.pubDate ? [{ pubDate: new Date(feed.pubDate).toUTCString() }] : []),
    ...(feed.copyright ? [{ copyright: cdata(feed.copyright) }] : []),
    ...(feed.language ? [{ language: cdata(feed.language) }] : []),
    ...(feed.customElements as unknown[]),
  ];
}

/** An item's RSS 2.0 elements, then `podcast`'s (content:encoded, itunes) and ours. */
function itemElements(item: Item): unknown[] {
  return [
    { title: cdata(item.title) },
    ...(item.description ? [{ description: cdata(item.description) }] : []),
    ...(item.url ? [{ link: item.url }] : []),
    { guid: [{ _attr: { isPermaLink: false } }, item.guid] },
    ...(item.categories ?? []).map((category) => ({ category: cdata(category) })),
    ...(item.author ? [{ 'dc:creator': cdata(item.author) }] : []),
    { pubDate: new Date(item.date).toUTCString() },
    ...(item.enclosure
      ? [
          {
            enclosure: {
              _attr: {
                url: item.enclosure.url,
                length: item.enclosure.size ?? 0,
                type: item.enclosure.type ?? null,
              },
            },
          },
        ]
      : []),
    ...((item.customElements ?? []) as unknown[]),
  ];
}

/** The document up to the first item. */
export function channelHead(input: ChannelHead): string {
  const { feed } = new Podcast(channelOptions(input));
  return DOCUMENT_START + lines(channelElements(feed, input.lastChange, input.hubUrl), '    ');
}

export const ITEM_START = '    <item>\n';
export const ITEM_END = '    </item>\n';
export const CHANNEL_END = '  </channel>\n</rss>\n';

/** `podcast:soundbite` lines of an item (kept apart: they change without the episode changing). */
export function soundbitesXml(soundbites: readonly Soundbite[] | undefined): string {
  if (!soundbites?.length) return '';
  return lines(
    soundbites.map((bite) =>
      element(
        'podcast:soundbite',
        { startTime: seconds(bite.startTime), duration: seconds(bite.duration) },
        bite.title ?? '',
      ),
    ),
    '      ',
  );
}

/** A whole item: its elements, then its soundbites. */
export const itemXml = (body: string, soundbites: readonly Soundbite[] | undefined) =>
  ITEM_START + body + soundbitesXml(soundbites) + ITEM_END;

export function buildPodcastFeed(input: FeedInput): string {
  const { show } = input;
  const lastChange = input.entries.reduce(
    (latest, e) => (e.episode.updatedAt > latest ? e.episode.updatedAt : latest),
    show.updatedAt,
  );
  const newest = input.entries[0]?.episode.article.publishedAt ?? lastChange;
  const parts = [channelHead({ ...input, lastChange, newest })];
  for (const entry of input.entries) parts.push(itemXml(itemBody(input, entry), entry.soundbites));
  parts.push(CHANNEL_END);
  return parts.join('');
}

/**
 * The show's fields an item shows: the item renderer sees these only, so that
 * they are all in an item's fragment key (item-fragments.ts).
 */
export type ItemShow = Pick<Show, 'author' | 'language' | 'explicit' | 'imageUrl' | 'artworkKey'>;

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The public correction notes, newest first, as paragraphs of the item's HTML description. */
export function correctionNotesHtml(
  notes: readonly CorrectionNote[],
  language: string | null,
): string {
  return [...notes]
    .reverse()
    .map(
      (n) =>
        `<p><strong>${escapeHtml(correctionHeading(n.at, language))}</strong> — ${escapeHtml(n.note)}</p>`,
    )
    .join('');
}

/** `podcast` only reads which namespaces are on when it maps an item. */
const ITEM_MAPPER: FeedOptions = { namespaces: NAMESPACE_OPTIONS };

/**
 * The elements of an item without its soundbites: depends only on the show's
 * item fields, the episode and its renditions (and the media base), so a rebuild
 * reuses it while they are unchanged.
 */
export function itemBody(
  input: { show: ItemShow; mediaUrl: (storageKey: string) => string },
  entry: Omit<FeedEntry, 'soundbites'>,
): string {
  const options = itemOptions(input, entry, showArtworkUrl(input.show, input.mediaUrl));
  const [item] = new Podcast(ITEM_MAPPER, [options]).items;
  return lines(itemElements(item!), '      ');
}

function itemOptions(
  input: { show: ItemShow; mediaUrl: (storageKey: string) => string },
  entry: Omit<FeedEntry, 'soundbites'>,
  artwork: string | null,
): ItemOptions {
  const { show } = input;
  const { episode, enclosure } = entry;
  const a = episode.article;
  const feed = episode.feed;
  const language = a.language ?? show.language;
  // The correction notes come first: apps that cut the description still show them.
  const html = xmlChars(
    correctionNotesHtml(episode.correctionNotes ?? [], language) + sanitizeSummary(a.summary),
  );
  const title = xmlChars(a.title);
  const description = html
    ? Buffer.byteLength(html, 'utf8') <= DESCRIPTION_MAX_BYTES
      ? html
      : truncateBytes(htmlToText(html), DESCRIPTION_MAX_BYTES)
    : title;
  const image = a.imageUrl ?? artwork;
  const author = xmlChars(a.author ?? show.author);

  const custom: unknown[] = [element('podcast:contentLink', { href: a.url }, 'Lire l’article')];
  if (a.author) custom.push(element('podcast:person', { role: 'host', group: 'cast' }, a.author));
  for (const person of episode.interviewees) {
    custom.push(element('podcast:person', { role: 'guest', group: 'cast' }, person.name));
  }
  if (feed?.transcript) {
    custom.push(
      element('podcast:transcript', {
        url: input.mediaUrl(feed.transcript.key),
        type: feed.transcript.type,
        language,
      }),
    );
  }
  if (feed?.chaptersKey) {
    custom.push(
      element('podcast:chapters', {
        url: input.mediaUrl(feed.chaptersKey),
        type: 'application/json+chapters',
      }),
    );
  }
  if (feed?.location) {
    custom.push(
      element(
        'podcast:location',
        { geo: feed.location.geo, osm: feed.location.osm },
        feed.location.name,
      ),
    );
  }
  for (const alt of entry.alternates ?? []) {
    custom.push({
      'podcast:alternateEnclosure': [
        {
          _attr: {
            type: appleMimeType(alt.mimeType),
            length: alt.bytes,
            bitrate: alt.bitrateKbps * 1000,
            title: alt.profile,
          },
        },
        element('podcast:source', { uri: input.mediaUrl(alt.storageKey) }),
        element('podcast:integrity', { type: 'sri', value: sri(alt.sha256) }),
      ],
    });
  }

  return {
    title,
    description,
    ...(html ? { content: html } : {}),
    url: xmlChars(a.url),
    guid: episode.guid,
    date: a.publishedAt,
    author,
    categories: a.categories.map(xmlChars),
    enclosure: {
      url: input.mediaUrl(enclosure.storageKey),
      size: enclosure.bytes,
      type: appleMimeType(enclosure.mimeType),
    },
    itunesTitle: title,
    itunesAuthor: author,
    // itunes:summary is plain text; the HTML goes to description and content:encoded.
    itunesSummary: truncateBytes(htmlToText(description), DESCRIPTION_MAX_BYTES),
    itunesDuration: itunesDuration(enclosure.durationSeconds),
    itunesExplicit: feed?.explicit ?? show.explicit,
    itunesEpisodeType: feed?.episodeType ?? 'full',
    ...(feed?.season ? { itunesSeason: feed.season } : {}),
    ...(feed?.episodeNumber ? { itunesEpisode: feed.episodeNumber } : {}),
    ...(image ? { itunesImage: image } : {}),
    customElements: custom,
  };
}
