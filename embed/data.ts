/**
 * The reader side's data access: repositories (and the optional chapters and
 * transcript source) → the view the renderers need. Only episodes in a public
 * state (FEED_STATES) and ready clips are shown; anything else is "not found".
 */
import type { Clip } from '../src/core/clips.js';
import { mp3Enclosure, showArtworkUrl, type Episode, type Show } from '../src/core/domain.js';
import { FEED_STATES } from '../src/core/episode-state.js';
import type { ClipsRepository } from '../src/db/repositories/clips.repo.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import type { PlayerSettingsRepository } from '../src/db/repositories/player-settings.repo.js';
import type { RenditionsRepository } from '../src/db/repositories/renditions.repo.js';
import type { ShowsRepository } from '../src/db/repositories/shows.repo.js';
import { directMediaUrl, publishedMediaUrls, type MediaBase } from '../src/http/media-urls.js';
import { publicUrls, withPlayerMark } from '../src/core/urls.js';
import { cleanChapters, cleanTranscript, type EpisodeExtrasSource } from './extras.js';
import { langOf } from '../src/http/i18n/lang.js';
import type { PlayerPeaksService } from '../src/services/player-peaks.js';
import type { PlayerView } from './view.js';

export interface ReaderDataDeps {
  readonly shows: ShowsRepository;
  readonly episodes: EpisodesRepository;
  readonly renditions: RenditionsRepository;
  readonly clips: ClipsRepository;
  readonly playerSettings: PlayerSettingsRepository;
  readonly extras: EpisodeExtrasSource;
  /** The light waveform the player draws (never the studio's full-resolution one). */
  readonly playerPeaks: Pick<PlayerPeaksService, 'forEpisode' | 'forClip'>;
  readonly publicUrl: string;
  /** Where the player fetches audio, peaks and artwork (PUBLIC_URL/media or MEDIA_PUBLIC_URL). */
  readonly mediaBase: MediaBase;
  /** Where the player fetches an episode's audio: mediaBase, or the audience counting redirect. */
  readonly audioBase?: MediaBase;
  /** Mark the player's audio URL, so that audience counting tells its downloads apart. */
  readonly markPlayerAudio?: boolean;
}

export interface LoadedEpisode {
  readonly episode: Episode;
  readonly show: Show;
  readonly player: PlayerView;
}

export interface LoadedClip {
  readonly clip: Clip;
  readonly episode: Episode;
  readonly show: Show;
  readonly player: PlayerView;
}

export class ReaderData {
  constructor(private readonly deps: ReaderDataDeps) {}

  readonly urls = {
    embedEpisode: (id: string) => publicUrls(this.deps.publicUrl).embedEpisode(id),
    embedClip: (id: string) => publicUrls(this.deps.publicUrl).embedClip(id),
    page: (id: string) => publicUrls(this.deps.publicUrl).episodePage(id),
    oembed: (url: string, format?: 'json' | 'xml') =>
      publicUrls(this.deps.publicUrl).oembed(url, format),
    feed: (slug: string) => publicUrls(this.deps.publicUrl).feed(slug),
    listens: () => publicUrls(this.deps.publicUrl).listens(),
    /** Show artwork (always public); episode files go through `filesOf`. */
    media: (key: string) => directMediaUrl(this.deps.mediaBase, key),
  };

  get publicUrl(): string {
    return this.deps.publicUrl;
  }

  private async publicEpisode(id: string): Promise<{ episode: Episode; show: Show } | null> {
    const episode = await this.deps.episodes.findById(id);
    if (!episode || !FEED_STATES.includes(episode.state)) return null;
    const show = await this.deps.shows.findById(episode.showId);
    return show ? { episode, show } : null;
  }

  async episode(id: string): Promise<LoadedEpisode | null> {
    const found = await this.publicEpisode(id);
    if (!found) return null;
    const { episode, show } = found;
    // The web player plays the MP3 enclosure (every browser decodes it).
    const audio = mp3Enclosure(await this.deps.renditions.listByEpisode(id));
    if (!audio) return null;
    const duration = audio.durationSeconds || episode.durationSeconds || 0;
    const [chapters, transcript, settings, peaksKey] = await Promise.all([
      this.deps.extras.chapters(episode).catch(() => null),
      this.deps.extras.transcript(episode).catch(() => null),
      this.deps.playerSettings.get(show.id),
      this.deps.playerPeaks.forEpisode(episode),
    ]);
    const files = publishedMediaUrls(this.deps.mediaBase, episode, this.deps.audioBase);
    const audioUrl = files(audio.storageKey);
    const playedUrl = this.deps.markPlayerAudio ? withPlayerMark(audioUrl) : audioUrl;
    return {
      episode,
      show,
      player: {
        kind: 'episode',
        id,
        lang: langOf(episode.article.language ?? show.language),
        title: episode.article.title,
        episodeTitle: episode.article.title,
        showTitle: show.title,
        articleUrl: episode.article.url,
        artworkUrl: episode.article.imageUrl ?? showArtworkUrl(show, this.urls.media),
        audio: { url: playedUrl, type: audio.mimeType, bytes: audio.bytes },
        durationSeconds: duration,
        peaksUrl: peaksKey ? files(peaksKey) : null,
        chapters: cleanChapters(chapters, duration),
        transcript: cleanTranscript(transcript),
        downloadUrl: settings.allowDownload ? audioUrl : null,
        shareUrl: this.urls.page(id),
        embedUrl: this.urls.embedEpisode(id),
        pageUrl: this.urls.page(id),
        listensUrl: this.deps.markPlayerAudio ? this.urls.listens() : null,
      },
    };
  }

  async clip(id: string): Promise<LoadedClip | null> {
    const clip = await this.deps.clips.findById(id);
    if (!clip || clip.state !== 'ready' || !clip.storageKey) return null;
    const found = await this.publicEpisode(clip.episodeId);
    if (!found) return null;
    const { episode, show } = found;
    const [settings, peaksKey] = await Promise.all([
      this.deps.playerSettings.get(show.id),
      this.deps.playerPeaks.forClip(clip),
    ]);
    const files = publishedMediaUrls(this.deps.mediaBase, episode);
    const audioUrl = files(clip.storageKey);
    return {
      clip,
      episode,
      show,
      player: {
        kind: 'clip',
        id,
        lang: langOf(episode.article.language ?? show.language),
        title: clip.title,
        episodeTitle: episode.article.title,
        showTitle: show.title,
        articleUrl: episode.article.url,
        artworkUrl: episode.article.imageUrl ?? showArtworkUrl(show, this.urls.media),
        audio: { url: audioUrl, type: 'audio/mpeg', bytes: clip.bytes ?? 0 },
        durationSeconds: clip.durationSeconds ?? clip.endSeconds - clip.startSeconds,
        peaksUrl: peaksKey ? files(peaksKey) : null,
        chapters: [],
        transcript: [],
        downloadUrl: settings.allowDownload ? audioUrl : null,
        shareUrl: this.urls.embedClip(id),
        embedUrl: this.urls.embedClip(id),
        pageUrl: this.urls.page(episode.id),
      },
    };
  }
}
