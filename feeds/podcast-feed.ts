/**
 * Pure: (show, episodes, files) → RSS 2.0 + Apple (itunes:) + Podcasting 2.0
 * (podcast:) XML. Deterministic: the same data gives the same bytes (the
 * ETag only changes when the feed does), so dates come from the data, never the clock.
 */
import { showArtworkUrl, type Episode, type Rendition, type Show } from '../src/core/domain.js';
import { htmlToText, sanitizeSummary } from '../src/core/sanitize.js';
import { appleMimeType, itunesDuration } from './itunes.js';
import { XmlWriter } from './xml.js';

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

const NAMESPACES = {
  'xmlns:itunes': 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  'xmlns:podcast': 'https://podcastindex.org/namespace/1.0',
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
  'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
};

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

/** The document up to the first item. */
export function channelHead(input: ChannelHead): string {
  const { show } = input;
  const artwork = showArtworkUrl(show, input.mediaUrl);
  const title = input.title ?? show.title;
  const x = new XmlWriter();
  x.open('rss', { version: '2.0', ...NAMESPACES });
  x.open('channel');
  x.text('title', title);
  x.text('link', show.siteUrl);
  x.text('description', input.description ?? show.description);
  x.text('language', show.language);
  x.text('copyright', show.copyright);
  x.text('generator', input.generator ?? 'Antenne');
  x.text('pubDate', input.newest.toUTCString());
  x.text('lastBuildDate', input.lastChange.toUTCString());
  x.empty('atom:link', { href: input.feedUrl, rel: 'self', type: 'application/rss+xml' });
  if (artwork) {
    x.open('image');
    x.text('url', artwork);
    x.text('title', title);
    x.text('link', show.siteUrl);
    x.close('image');
    x.empty('itunes:image', { href: artwork });
  }
  x.text('itunes:author', show.author);
  x.open('itunes:owner');
  x.text('itunes:name', show.owner.name);
  x.text('itunes:email', show.owner.email);
  x.close('itunes:owner');
  if (show.subcategory) {
    x.open('itunes:category', { text: show.category });
    x.empty('itunes:category', { text: show.subcategory });
    x.close('itunes:category');
  } else {
    x.empty('itunes:category', { text: show.category });
  }
  x.text('itunes:explicit', show.explicit ? 'true' : 'false');
  x.text('itunes:type', show.type);
  x.text('podcast:guid', input.podcastGuid ?? show.podcastGuid);
  x.text('podcast:locked', show.locked === false ? 'no' : 'yes', { owner: show.owner.email });
  x.text('podcast:medium', show.medium ?? 'podcast');
  if (show.txt) x.text('podcast:txt', show.txt);
  return x.toString();
}

export const CHANNEL_END = '  </channel>\n</rss>\n';
export const ITEM_END = '    </item>\n';

/** `podcast:soundbite` lines of an item (kept apart: they change without the episode changing). */
export function soundbitesXml(soundbites: readonly Soundbite[] | undefined): string {
  if (!soundbites?.length) return '';
  const x = new XmlWriter(3);
  for (const bite of soundbites) {
    x.text('podcast:soundbite', bite.title ?? '', {
      startTime: seconds(bite.startTime),
      duration: seconds(bite.duration),
    });
  }
  return x.toString();
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

/**
 * An item without its soundbites and closing tag: depends only on the show,
 * the episode and its renditions, so a rebuild reuses it while they are unchanged.
 */
export function itemBody(
  input: { show: Show; mediaUrl: (storageKey: string) => string },
  entry: Omit<FeedEntry, 'soundbites'>,
): string {
  const x = new XmlWriter(2);
  writeItem(x, input, entry, showArtworkUrl(input.show, input.mediaUrl));
  return x.toString();
}

function writeItem(
  x: XmlWriter,
  input: { show: Show; mediaUrl: (storageKey: string) => string },
  entry: Omit<FeedEntry, 'soundbites'>,
  artwork: string | null,
) {
  const { show } = input;
  const { episode, enclosure } = entry;
  const a = episode.article;
  const feed = episode.feed;
  const html = sanitizeSummary(a.summary);
  const description = html
    ? Buffer.byteLength(html, 'utf8') <= DESCRIPTION_MAX_BYTES
      ? html
      : truncateBytes(htmlToText(html), DESCRIPTION_MAX_BYTES)
    : a.title;
  const image = a.imageUrl ?? artwork;
  const explicit = feed?.explicit ?? show.explicit;

  x.open('item');
  x.text('title', a.title);
  x.text('itunes:title', a.title);
  x.text('link', a.url);
  x.text('description', description);
  if (html) x.text('content:encoded', html);
  x.text('guid', episode.guid, { isPermaLink: 'false' });
  x.text('pubDate', a.publishedAt.toUTCString());
  const author = a.author ?? show.author;
  x.text('dc:creator', author);
  x.text('itunes:author', author);
  for (const category of a.categories) x.text('category', category);
  x.empty('enclosure', {
    url: input.mediaUrl(enclosure.storageKey),
    length: enclosure.bytes,
    type: appleMimeType(enclosure.mimeType),
  });
  x.text('itunes:duration', itunesDuration(enclosure.durationSeconds));
  if (image) x.empty('itunes:image', { href: image });
  x.text('itunes:explicit', explicit ? 'true' : 'false');
  x.text('itunes:episodeType', feed?.episodeType ?? 'full');
  if (feed?.season) x.text('itunes:season', feed.season);
  if (feed?.episodeNumber) x.text('itunes:episode', feed.episodeNumber);
  x.text('podcast:contentLink', 'Lire l’article', { href: a.url });
  if (a.author) x.text('podcast:person', a.author, { role: 'host', group: 'cast' });
  for (const person of episode.interviewees) {
    x.text('podcast:person', person.name, { role: 'guest', group: 'cast' });
  }
  if (feed?.transcript) {
    x.empty('podcast:transcript', {
      url: input.mediaUrl(feed.transcript.key),
      type: feed.transcript.type,
      language: a.language ?? show.language,
    });
  }
  if (feed?.chaptersKey) {
    x.empty('podcast:chapters', {
      url: input.mediaUrl(feed.chaptersKey),
      type: 'application/json+chapters',
    });
  }
  if (feed?.location) {
    x.text('podcast:location', feed.location.name, {
      geo: feed.location.geo,
      osm: feed.location.osm,
    });
  }
  for (const alt of entry.alternates ?? []) {
    x.open('podcast:alternateEnclosure', {
      type: appleMimeType(alt.mimeType),
      length: alt.bytes,
      bitrate: alt.bitrateKbps * 1000,
      title: alt.profile,
    });
    x.empty('podcast:source', { uri: input.mediaUrl(alt.storageKey) });
    x.empty('podcast:integrity', { type: 'sri', value: sri(alt.sha256) });
    x.close('podcast:alternateEnclosure');
  }
  // </item> is ITEM_END, written by the caller after the soundbites.
}
