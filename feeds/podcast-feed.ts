/**
 * Pure: (show, episodes, files) → RSS 2.0 + Apple (itunes:) + Podcasting 2.0
 * (podcast:) XML, written by the npm `podcast` package (RSS and itunes:*) with the
 * Podcasting 2.0 elements as its custom elements: every text and attribute is
 * escaped by its XML writer, never concatenated here. Deterministic: the same data
 * gives the same bytes (the ETag only changes when the feed does), so dates come
 * from the data, never the clock.
 *
 * The publisher renders items one by one and reuses them while they are unchanged
 * (a 10,000-episode feed is rebuilt in about a second): `podcast` renders a whole
 * document, so a fragment is cut from a document whose other parts are ours and fixed.
 */
import { Podcast, type FeedOptions, type ItemOptions } from 'podcast';
import renderXml, { type XmlObject } from 'xml';
import { showArtworkUrl, type Episode, type Rendition, type Show } from '../src/core/domain.js';
import { htmlToText, sanitizeSummary } from '../src/core/sanitize.js';
// XML 1.0 forbids some characters (controls, lone surrogates): dropped, not escaped.
import { xmlSafeText as xmlChars } from '../src/core/text-chars.js';
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

/**
 * `rss` (under `podcast`) stamps lastBuildDate with the clock. The feed's must
 * come from the data, so the clock reads `at` while the (synchronous) render runs.
 */
function renderedAt(at: Date, render: () => string): string {
  const RealDate = Date;
  class DataDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(at.getTime());
      else super(...args);
    }
  }
  globalThis.Date = DataDate as DateConstructor;
  try {
    return render();
  } finally {
    globalThis.Date = RealDate;
  }
}

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

const CHANNEL_CLOSE = '  </channel>';
const ITEM_OPEN = '    <item>';
const ITEM_CLOSE = '    </item>';

/** The document up to the first item. */
export function channelHead(input: ChannelHead): string {
  const doc = renderedAt(input.lastChange, () =>
    new Podcast(channelOptions(input)).buildXml({ indent: '  ' }),
  );
  // Everything before the channel's closing tag (the last one: text cannot hold a raw "<").
  return `${doc.slice(0, doc.lastIndexOf(CHANNEL_CLOSE)).replace(/\s*$/, '')}\n`;
}

export const CHANNEL_END = `${CHANNEL_CLOSE}\n</rss>\n`;
export const ITEM_END = `${ITEM_CLOSE}\n`;

/** `podcast:soundbite` lines of an item (kept apart: they change without the episode changing). */
export function soundbitesXml(soundbites: readonly Soundbite[] | undefined): string {
  if (!soundbites?.length) return '';
  const lines = soundbites.map((bite) =>
    renderXml([
      element(
        'podcast:soundbite',
        { startTime: seconds(bite.startTime), duration: seconds(bite.duration) },
        bite.title ?? '',
      ) as XmlObject,
    ]),
  );
  return lines.map((line) => `      ${line}\n`).join('');
}

export function buildPodcastFeed(input: FeedInput): string {
  const { show } = input;
  const lastChange = input.entries.reduce(
    (latest, e) => (e.episode.updatedAt > latest ? e.episode.updatedAt : latest),
    show.updatedAt,
  );
  const newest = input.entries[0]?.episode.article.publishedAt ?? lastChange;
  const parts = [channelHead({ ...input, lastChange, newest })];
  for (const entry of input.entries) {
    parts.push(itemBody(input, entry), soundbitesXml(entry.soundbites), ITEM_END);
  }
  parts.push(CHANNEL_END);
  return parts.join('');
}

/** The fixed channel an item is rendered in, to be cut out of it. */
const ITEM_FRAME: FeedOptions = {
  title: 'item',
  feedUrl: 'https://antenne.invalid/',
  siteUrl: 'https://antenne.invalid/',
  namespaces: NAMESPACE_OPTIONS,
};

/**
 * An item without its soundbites and closing tag: depends only on the show,
 * the episode and its renditions, so a rebuild reuses it while they are unchanged.
 */
export function itemBody(
  input: { show: Show; mediaUrl: (storageKey: string) => string },
  entry: Omit<FeedEntry, 'soundbites'>,
): string {
  const doc = renderedAt(entry.episode.updatedAt, () =>
    new Podcast(ITEM_FRAME, [
      itemOptions(input, entry, showArtworkUrl(input.show, input.mediaUrl)),
    ]).buildXml({ indent: '  ' }),
  );
  // The frame holds nothing that looks like a tag, so the first <item> is the item's,
  // and its closing tag is the last one.
  return `${doc.slice(doc.indexOf(ITEM_OPEN), doc.lastIndexOf(ITEM_CLOSE)).replace(/\s*$/, '')}\n`;
}

function itemOptions(
  input: { show: Show; mediaUrl: (storageKey: string) => string },
  entry: Omit<FeedEntry, 'soundbites'>,
  artwork: string | null,
): ItemOptions {
  const { show } = input;
  const { episode, enclosure } = entry;
  const a = episode.article;
  const feed = episode.feed;
  const html = xmlChars(sanitizeSummary(a.summary));
  const title = xmlChars(a.title);
  const description = html
    ? Buffer.byteLength(html, 'utf8') <= DESCRIPTION_MAX_BYTES
      ? html
      : truncateBytes(htmlToText(html), DESCRIPTION_MAX_BYTES)
    : title;
  const image = a.imageUrl ?? artwork;
  const author = xmlChars(a.author ?? show.author);
  const language = a.language ?? show.language;

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
