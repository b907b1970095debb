import {
  showArtworkUrl,
  type Episode,
  type EpisodeFeedFields,
  type Rendition,
  type Show,
} from '../core/domain.js';
import { publicUrls } from '../core/urls.js';
import { defaultMediaBase, directMediaUrl, type MediaUrls } from './media-urls.js';

export function showJson(show: Show, publicUrl: string) {
  return {
    id: show.id,
    slug: show.slug,
    title: show.title,
    description: show.description,
    language: show.language,
    author: show.author,
    owner: show.owner,
    imageUrl: show.imageUrl,
    category: show.category,
    subcategory: show.subcategory,
    explicit: show.explicit,
    type: show.type,
    siteUrl: show.siteUrl,
    copyright: show.copyright,
    podcastGuid: show.podcastGuid,
    audio: show.audio ?? null,
    feedUrl: publicUrls(publicUrl).feed(show.slug),
    artworkUrl: showArtworkUrl(show, (key) => directMediaUrl(defaultMediaBase(publicUrl), key)),
    medium: show.medium ?? 'podcast',
    locked: show.locked ?? true,
    txt: show.txt ?? null,
    createdAt: show.createdAt.toISOString(),
    updatedAt: show.updatedAt.toISOString(),
  };
}

export function episodeJson(
  episode: Episode,
  show: Show,
  renditions: readonly Rendition[],
  urls: MediaUrls,
) {
  const { publicUrl } = urls;
  // Public URLs while published (as in the feed), short-lived signed ones otherwise.
  const mediaUrl = urls.forEpisode(episode);
  const a = episode.article;
  return {
    id: episode.id,
    guid: episode.guid,
    show: show.slug,
    state: episode.state,
    progress: episode.progress,
    failureReason: episode.failureReason,
    title: a.title,
    summary: a.summary,
    articleUrl: a.url,
    author: a.author,
    publishedAt: a.publishedAt.toISOString(),
    categories: a.categories,
    imageUrl: a.imageUrl,
    source: a.source,
    copyright: a.copyright,
    language: a.language,
    interviewees: episode.interviewees,
    durationSeconds: episode.durationSeconds,
    peaksUrl: episode.peaksKey ? mediaUrl(episode.peaksKey) : null,
    chapters: episode.chapters ?? null,
    loudness: episode.loudness ?? null,
    processingRevision: episode.processingRevision,
    processingOptions: episode.processingOptions ?? null,
    original: { name: episode.original.name, bytes: episode.original.bytes },
    renditions: renditions.map((r) => ({
      profile: r.profile,
      url: mediaUrl(r.storageKey),
      mimeType: r.mimeType,
      codec: r.codec,
      bitrateKbps: r.bitrateKbps,
      sampleRate: r.sampleRate,
      channels: r.channels,
      bytes: r.bytes,
      durationSeconds: r.durationSeconds,
      sha256: r.sha256,
    })),
    ...(episode.feed ? episodeFeedJson(episode.feed, mediaUrl) : {}),
    links: {
      self: publicUrls(publicUrl).apiEpisode(episode.id),
      feed: publicUrls(publicUrl).feed(show.slug),
    },
    createdAt: episode.createdAt.toISOString(),
    updatedAt: episode.updatedAt.toISOString(),
  };
}

/** Publication and item fields (issue 4). */
export function episodeFeedJson(feed: EpisodeFeedFields, mediaUrl: (key: string) => string) {
  return {
    scheduledAt: feed.scheduledAt?.toISOString() ?? null,
    episodeType: feed.episodeType,
    season: feed.season,
    episodeNumber: feed.episodeNumber,
    explicit: feed.explicit,
    location: feed.location,
    transcript: feed.transcript
      ? { url: mediaUrl(feed.transcript.key), type: feed.transcript.type }
      : null,
    chaptersUrl: feed.chaptersKey ? mediaUrl(feed.chaptersKey) : null,
  };
}
