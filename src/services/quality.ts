/**
 * The quality report of an episode as it is now: the worker's measurements of
 * the recording read with the show's thresholds, plus the editorial checks
 * (artwork, summary, and Apple's item rules as the feed check reads them on the
 * item this episode would get in the feed).
 */
import { checkArtwork } from '../core/artwork.js';
import { mp3Enclosure, type Episode, type Rendition, type Show } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import {
  audioFindings,
  editorialFindings,
  effectiveQualitySettings,
  qualityReport,
  type ArtworkFault,
  type EditorialFacts,
  type QualityReport,
} from '../core/quality.js';
import { publicUrls } from '../core/urls.js';
import { checkFeed } from '../feeds/check.js';
import { buildPodcastFeed } from '../feeds/podcast-feed.js';
import type { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { FeedProblem } from '../feeds/check.js';

export interface QualityServiceDeps {
  readonly storage: Pick<BlobStorage, 'openRead'>;
  readonly episodes: Pick<EpisodesRepository, 'listByShow'>;
  readonly publicUrl: string;
  readonly logger: Logger;
}

/** Artwork checks kept by storage key: uploaded artwork keys carry their content hash. */
const ARTWORK_CACHE_SIZE = 64;

export class QualityService {
  private readonly artworkChecks = new Map<string, ArtworkFault | null>();

  constructor(private readonly deps: QualityServiceDeps) {}

  async report(
    episode: Episode,
    show: Show,
    renditions: readonly Rendition[],
  ): Promise<QualityReport> {
    const settings = effectiveQualitySettings(show.quality);
    const audio = audioFindings(
      episode.audioAnalysis ?? null,
      episode.loudness ?? null,
      episode.durationSeconds,
      settings,
    );
    const facts: EditorialFacts = {
      summary: episode.article.summary,
      artwork: await this.artwork(show),
      appleItem: await this.appleItemProblems(episode, show, renditions),
    };
    return qualityReport(
      [...audio, ...editorialFindings(facts, settings)],
      !!episode.audioAnalysis,
    );
  }

  /**
   * For the feed check: the recording findings and empty summaries of the show's
   * published episodes, as warnings on their items (the feed check reads the
   * artwork and Apple's rules on the feed itself).
   */
  async feedCheckProblems(show: Show): Promise<FeedProblem[]> {
    const settings = effectiveQualitySettings(show.quality);
    const problems: FeedProblem[] = [];
    for (const episode of await this.deps.episodes.listByShow(show.id, ['published'])) {
      const findings = [
        ...audioFindings(
          episode.audioAnalysis ?? null,
          episode.loudness ?? null,
          episode.durationSeconds,
          settings,
        ),
        ...editorialFindings(
          { summary: episode.article.summary, artwork: { kind: 'url' }, appleItem: [] },
          settings,
        ),
      ];
      for (const f of findings) {
        problems.push({
          severity: 'warning',
          where: `item ${episode.guid}`,
          message: `Quality report: ${f.message}`,
        });
      }
    }
    return problems;
  }

  /** The uploaded artwork is checked again (a stored file may predate the rule); a URL is left to the feed check. */
  private async artwork(show: Show): Promise<EditorialFacts['artwork']> {
    if (show.artworkKey) {
      const key = show.artworkKey;
      if (!this.artworkChecks.has(key)) {
        const problem = await this.readArtwork(key);
        if (this.artworkChecks.size >= ARTWORK_CACHE_SIZE) this.artworkChecks.clear();
        this.artworkChecks.set(key, problem);
      }
      return { kind: 'stored', problem: this.artworkChecks.get(key) ?? null };
    }
    return show.imageUrl ? { kind: 'url' } : { kind: 'none' };
  }

  private async readArtwork(key: string): Promise<ArtworkFault | null> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.deps.storage.openRead(key)) {
        chunks.push(chunk as Buffer);
      }
      const check = checkArtwork(Buffer.concat(chunks));
      if (check.ok) return null;
      const { problem, reason, ...figures } = check;
      return {
        message: problem,
        reason,
        data: Object.fromEntries(
          Object.entries(figures).filter(([k, v]) => k !== 'ok' && v !== undefined),
        ) as Record<string, string | number>,
      };
    } catch (error) {
      this.deps.logger.warn({ err: error, key }, 'the show artwork could not be read');
      return { message: 'the stored file could not be read.', reason: 'stored-unreadable' };
    }
  }

  /** The feed check's item rules, on the item this episode gets (without fetching anything). */
  private async appleItemProblems(
    episode: Episode,
    show: Show,
    renditions: readonly Rendition[],
  ): Promise<EditorialFacts['appleItem']> {
    if (!renditions.length) return [];
    const enclosure = mp3Enclosure(renditions);
    if (!enclosure) {
      return [
        {
          severity: 'error',
          rule: 'no-mp3',
          message: '<enclosure> is missing: the episode has no MP3.',
        },
      ];
    }
    const urls = publicUrls(this.deps.publicUrl);
    const xml = buildPodcastFeed({
      show,
      entries: [
        {
          episode,
          enclosure,
          alternates: renditions.filter((r) => r !== enclosure && r.mimeType.startsWith('audio/')),
        },
      ],
      feedUrl: urls.feed(show.slug),
      mediaUrl: (key) => `${this.deps.publicUrl}/media/${key}`,
    });
    const result = await checkFeed(xml);
    return result.problems
      .filter((p) => p.where.startsWith('item'))
      .map((p) => ({ severity: p.severity, message: p.message, rule: p.rule, data: p.data }));
  }
}
