/**
 * The studio entry point: the server-rendered pages under /studio and the admin
 * queue dashboard. The API routes it calls live in src/http/routes.
 */
import type { RequestHandler, Router } from 'express';
import type { Config } from '../src/core/config.js';
import type { Logger } from '../src/core/logger.js';
import type { Db } from '../src/db/connect.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import { ListingsRepository } from '../src/db/repositories/listings.repo.js';
import type { AccountService } from '../src/services/accounts.js';
import type { AudienceReportService } from '../src/services/audience-reports.js';
import type { ClipService } from '../src/services/clips.js';
import type { CorrectionService } from '../src/services/corrections.js';
import type { EpisodeService } from '../src/services/episodes.js';
import type { QualityService } from '../src/services/quality.js';
import type { PublishingService } from '../src/services/publishing.js';
import type { FeedMovesService } from '../src/services/feed-moves.js';
import { studioPages } from './pages-router.js';
import { queueDashboard } from './queue-dashboard.js';
import type { MediaUrls } from '../src/http/media-urls.js';

export interface Studio {
  readonly routers: Router[];
  close(): Promise<void>;
}

export function createStudio(deps: {
  config: Config;
  logger: Logger;
  db: Db;
  episodesRepo: EpisodesRepository;
  episodes: EpisodeService;
  requireEditor: RequestHandler;
  requireAdmin: RequestHandler;
  accounts: AccountService;
  clips: ClipService;
  corrections: CorrectionService;
  publishing: PublishingService;
  quality: QualityService;
  mediaUrls: MediaUrls;
  audienceReports: AudienceReportService;
  /** Where a show's feed is and was (the settings page's "Feed address"). */
  feedMoves?: Pick<FeedMovesService, 'location'>;
}): Studio {
  const listings = new ListingsRepository(deps.db);
  const pages = studioPages({
    accounts: deps.accounts,
    clips: deps.clips,
    corrections: deps.corrections,
    publishing: deps.publishing,
    quality: deps.quality,
    episodes: deps.episodes,
    episodesRepo: deps.episodesRepo,
    listings,
    publicUrl: deps.config.publicUrl,
    mediaUrls: deps.mediaUrls,
    audienceReports: deps.audienceReports,
    feedMoves: deps.feedMoves,
  });
  const dashboard = queueDashboard({
    redisUrl: deps.config.redisUrl,
    prefix: deps.config.queuePrefix,
    adminPageGuard: pages.guard('admin'),
    requireAdmin: deps.requireAdmin,
    logger: deps.logger,
  });
  return {
    routers: [pages.router, dashboard.router],
    async close() {
      await dashboard.close();
    },
  };
}
