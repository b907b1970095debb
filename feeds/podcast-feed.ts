/**
 * Pure: (show, episodes) → RSS 2.0 + iTunes + Podcasting 2.0 XML, through the
 * npm `podcast` package. Text goes through its XML writer, never concatenated.
 */
import { Podcast } from 'podcast';
import type { Episode, Rendition, Show } from '../src/core/domain.js';
import { appleMimeType, itunesDuration } from './itunes.js';

export interface FeedEntry {
  readonly episode: Episode;
  /** The rendition used as `<enclosure>` (the MP3). */
  readonly enclosure: Rendition;
}

export interface FeedInput {
  readonly show: Show;
  readonly entries: readonly FeedEntry[];
  readonly feedUrl: string;
  /** Turns a storage key into a public absolute URL. */
  readonly mediaUrl: (storageKey: string) => string;
  readonly generator?: string;
}

export function buildPodcastFeed(input: FeedInput): string {
  const { show } = input;
  const lastChange = input.entries.reduce<Date | undefined>(
    (latest, e) => (!latest || e.episode.updatedAt > latest ? e.episode.updatedAt : latest),
    undefined,
  );
  const feed = new Podcast({
    title: show.title,
    description: show.description,
    feedUrl: input.feedUrl,
    siteUrl: show.siteUrl,
    imageUrl: show.imageUrl ?? undefined,
    author: show.author,
    copyright: show.copyright ?? undefined,
    language: show.language,
    generator: input.generator ?? 'Antenne',
    pubDate: lastChange ?? show.updatedAt,
    ttl: 60,
    namespaces: { iTunes: true, podcast: true },
    itunesAuthor: show.author,
    itunesOwner: { name: show.owner.name, email: show.owner.email },
    itunesExplicit: show.explicit,
    itunesType: show.type,
    itunesCategory: [
      {
        text: show.category,
        ...(show.subcategory ? { subcats: [{ text: show.subcategory }] } : {}),
      },
    ],
    itunesImage: show.imageUrl ?? undefined,
    customElements: [
      { 'podcast:guid': show.podcastGuid },
      { 'podcast:locked': [{ _attr: { owner: show.owner.email } }, 'yes'] },
      { 'podcast:medium': 'podcast' },
    ],
  });

  for (const { episode, enclosure } of input.entries) {
    const a = episode.article;
    const image = a.imageUrl ?? show.imageUrl ?? undefined;
    feed.addItem({
      title: a.title,
      itunesTitle: a.title,
      description: a.summary || a.title,
      url: a.url,
      guid: episode.guid,
      date: a.publishedAt,
      author: a.author ?? show.author,
      categories: [...a.categories],
      enclosure: {
        url: input.mediaUrl(enclosure.storageKey),
        size: enclosure.bytes,
        type: appleMimeType(enclosure.mimeType),
      },
      itunesDuration: itunesDuration(enclosure.durationSeconds),
      itunesImage: image,
      itunesExplicit: show.explicit,
      itunesEpisodeType: 'full',
      customElements: [{ 'podcast:contentLink': [{ _attr: { href: a.url } }, a.title] }],
    });
  }
  return feed.buildXml({ indent: '  ' });
}
