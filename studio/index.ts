/**
 * The studio entry point: its API additions, the OpenAPI document and docs page,
 * the server-rendered pages under /studio and the admin queue dashboard.
 */
import type { RequestHandler, Router } from 'express';
import type { Config } from '../src/core/config.js';
import type { Logger } from '../src/core/logger.js';
import type { Db } from '../src/db/connect.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import { ListingsRepository } from '../src/db/repositories/listings.repo.js';
import type { EpisodeService } from '../src/services/episodes.js';
import { studioApiRouter } from './api-router.js';
import { openApiRouter } from './openapi/router.js';
import { ProgressHub } from './progress-hub.js';

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
}): Studio {
  const progress = new ProgressHub({
    redisUrl: deps.config.redisUrl,
    prefix: deps.config.queuePrefix,
    logger: deps.logger,
  });
  const api = studioApiRouter({
    requireEditor: deps.requireEditor,
    prefill: deps.config.prefill,
    listings: new ListingsRepository(deps.db),
    episodesRepo: deps.episodesRepo,
    episodes: deps.episodes,
    progress,
    publicUrl: deps.config.publicUrl,
  });
  return {
    routers: [api, openApiRouter({ publicUrl: deps.config.publicUrl })],
    close: () => progress.close(),
  };
}
