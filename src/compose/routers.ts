/**
 * Every router of the HTTP app, built from the object graph. One plain list:
 * adding a route family is one entry here.
 */
import type { Router } from 'express';
import { embedRouter } from '../../embed/router.js';
import { feedCheckRouter } from '../../feeds/check-route.js';
import { feedsRouter } from '../../feeds/router.js';
import { createStudio } from '../../studio/index.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { requireAdmin, requireEditor } from '../http/middleware/auth.js';
import { mediaSender } from '../http/media-delivery.js';
import { audioUpload } from '../http/middleware/upload.js';
import { accountsRouter } from '../http/routes/accounts.js';
import { audienceRouter } from '../http/routes/audience.js';
import { clipsRouter } from '../http/routes/clips.js';
import { correctionsRouter } from '../http/routes/corrections.js';
import { episodesRouter } from '../http/routes/episodes.js';
import { uploadsRouter } from '../http/routes/uploads.js';
import { healthRouter } from '../http/routes/health.js';
import { homeRouter } from '../http/routes/home.js';
import { mediaRouter } from '../http/routes/media.js';
import { publishingRouter } from '../http/routes/publishing.js';
import { showsRouter } from '../http/routes/shows.js';
import { feedLocationRouter } from '../http/routes/feed-location.js';
import type { FetchRules } from '../net/safe-fetch.js';
import { hashedClientKey, redisRateLimitStores } from '../http/rate-limit-store.js';
import { downloadCounter } from '../http/audience-counting.js';
import { countingRedirectRouter } from '../http/routes/counting-redirect.js';
import { listensRouter } from '../http/routes/listens.js';
import { ListingsRepository } from '../db/repositories/listings.repo.js';
import { episodeEventsRouter } from '../http/routes/episode-events.js';
import { prefillRouter } from '../http/routes/prefill.js';
import { openApiRouter } from '../http/openapi/router.js';
import { JobEventsHub } from '../queue/job-events.js';
import { dirs } from './dirs.js';
import type { Graph } from './graph.js';

export interface RouterOptions {
  /** Server-side fetch rules instead of the defaults (tests reach their local servers). */
  outboundFetch?: { prefill?: FetchRules; feedCheck?: FetchRules };
}

export interface Routers {
  readonly routers: Router[];
  /** Closes what routers hold open (the studio's Redis listeners). */
  close(): Promise<void>;
}

export function buildRouters(
  config: Config,
  logger: Logger,
  graph: Graph,
  options: RouterOptions = {},
): Routers {
  const { publicUrl } = config;
  const { mediaUrls } = graph;
  const limitStore = redisRateLimitStores(graph.limitRedis, config.queuePrefix);
  const limitKey = hashedClientKey(graph.limitKeySecret);
  const audience = graph.audience;
  const count = audience ? downloadCounter(audience.recorder) : undefined;
  const studio = createStudio({
    config,
    logger,
    db: graph.db.db,
    episodesRepo: graph.repos.episodes,
    episodes: graph.episodes,
    requireEditor,
    requireAdmin,
    accounts: graph.accounts,
    clips: graph.clips,
    corrections: graph.corrections,
    publishing: graph.publishing,
    quality: graph.quality,
    mediaUrls,
    audienceReports: graph.audienceReports,
    feedMoves: graph.feedMoves,
  });
  const jobEvents = new JobEventsHub({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    logger,
  });

  const routers = [
    ...(graph.metrics.router ? [graph.metrics.router] : []),
    homeRouter(),
    accountsRouter({
      accounts: graph.accounts,
      secureCookies: publicUrl.startsWith('https:'),
      sessionTtlMs: config.sessionTtlMs,
      loginLimit: config.loginAttemptsPer15Min,
      limitStore,
      limitKey,
    }),
    healthRouter({ check: () => healthChecks(graph) }),
    showsRouter({
      shows: graph.shows,
      listings: new ListingsRepository(graph.db.db),
      publicUrl,
      requireEditor,
    }),
    episodeEventsRouter({
      requireEditor,
      episodes: graph.episodes,
      episodesRepo: graph.repos.episodes,
      jobEvents,
    }),
    prefillRouter({
      requireEditor,
      policy: options.outboundFetch?.prefill?.policy ?? config.prefill,
      limits: options.outboundFetch?.prefill?.limits,
    }),
    openApiRouter({ publicUrl }),
    uploadsRouter({
      uploads: graph.uploads,
      store: graph.uploadStore,
      publicUrl,
      maxBytes: config.maxUploadBytes,
      requireEditor,
    }),
    episodesRouter({
      episodes: graph.episodes,
      uploads: graph.uploads,
      publicUrl,
      mediaUrls,
      requireEditor,
      quality: graph.quality,
      upload: audioUpload({
        tmpDir: dirs(config.dataDir).uploadsTmp,
        maxBytes: config.maxUploadBytes,
        field: 'audio',
      }),
    }),
    correctionsRouter({
      corrections: graph.corrections,
      uploads: graph.uploads,
      requireEditor,
      upload: audioUpload({
        tmpDir: dirs(config.dataDir).uploadsTmp,
        maxBytes: config.maxUploadBytes,
        field: 'audio',
      }),
    }),
    clipsRouter({ clips: graph.clips, publicUrl, mediaUrls, requireEditor }),
    audienceRouter({ reports: graph.audienceReports, requireEditor }),
    publishingRouter({
      publishing: graph.publishing,
      episodes: graph.episodes,
      publicUrl,
      mediaUrls,
      requireEditor,
      quality: graph.quality,
    }),
    feedCheckRouter({
      publisher: graph.feedPublisher,
      quality: graph.quality,
      shows: graph.shows,
      requireEditor,
      publicUrl,
      ...options.outboundFetch?.feedCheck,
    }),
    feedLocationRouter({ feedMoves: graph.feedMoves, requireEditor }),
    feedsRouter({ publisher: graph.feedPublisher, moves: graph.feedMoves, publicUrl }),
    embedRouter({ data: graph.readerData }),
    mediaRouter({
      signer: graph.signer,
      published: graph.publishedMedia,
      send: mediaSender(config, graph.storage),
      // Behind a CDN, /media sees the CDN's pulls, not listeners: they count at the redirect.
      count: config.audience.countAt === 'media' ? count : undefined,
    }),
    ...(count && config.audience.countAt === 'redirect'
      ? [
          countingRedirectRouter({
            published: graph.publishedMedia,
            count,
            target: config.media.publicBase,
          }),
        ]
      : []),
    ...(audience
      ? [listensRouter({ recorder: audience.recorder, logger, limitStore, limitKey })]
      : []),
    ...studio.routers,
  ];
  return {
    routers,
    close: async () => {
      await studio.close();
      await jobEvents.close();
    },
  };
}

/** What /healthz reports: each dependency answers, or the error it gave. */
async function healthChecks(graph: Graph): Promise<Record<string, string>> {
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => String(e),
    );
  return {
    database: await outcome(
      graph.db.db
        .selectFrom('shows')
        .select((eb) => eb.fn.countAll().as('n'))
        .execute(),
    ),
    queue: await outcome(graph.producer.ping()),
  };
}
