/**
 * Wires the pieces together from one Config: the composition root shared by
 * the API process, the worker process, `npm start` (both) and the tests.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { ReaderData } from '../embed/data.js';
import { type EpisodeExtrasSource } from '../embed/extras.js';
import { storedExtras } from '../embed/stored-extras.js';
import { embedRouter } from '../embed/router.js';
import { feedCheckRouter } from '../feeds/check-route.js';
import { FeedPublisher, type SoundbiteProvider } from '../feeds/publisher.js';
import { feedsRouter } from '../feeds/router.js';
import { feedFastPath } from '../feeds/serve.js';
import { startWorkers, type WorkerRuntime } from '../workers/runtime.js';
import { createStudio } from '../studio/index.js';
import type { Config } from './core/config.js';
import { loadOrCreateEditorToken } from './core/editor-token.js';
import type { Logger } from './core/logger.js';
import { connectDb, migrateToLatest, type DbHandle } from './db/connect.js';
import { ClipsRepository } from './db/repositories/clips.repo.js';
import { EpisodesRepository } from './db/repositories/episodes.repo.js';
import { PlayerSettingsRepository } from './db/repositories/player-settings.repo.js';
import { FeedsRepository } from './db/repositories/feeds.repo.js';
import { PublishingRepository } from './db/repositories/publishing.repo.js';
import { RenditionsRepository } from './db/repositories/renditions.repo.js';
import { ShowsRepository } from './db/repositories/shows.repo.js';
import { ListingsRepository } from './db/repositories/listings.repo.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http/server.js';
import { authenticate, requireAdmin, requireEditor } from './http/middleware/auth.js';
import { accountsRouter } from './http/routes/accounts.js';
import { ApiTokensRepository } from './db/repositories/api-tokens.repo.js';
import { SessionsRepository } from './db/repositories/sessions.repo.js';
import { UsersRepository } from './db/repositories/users.repo.js';
import { AccountService } from './services/accounts.js';
import { audioUpload } from './http/middleware/upload.js';
import { clipsRouter } from './http/routes/clips.js';
import { episodesRouter } from './http/routes/episodes.js';
import { episodeEventsRouter } from './http/routes/episode-events.js';
import { prefillRouter } from './http/routes/prefill.js';
import { openApiRouter } from './http/openapi/router.js';
import { JobEventsHub } from './queue/job-events.js';
import { healthRouter } from './http/routes/health.js';
import { mediaRouter } from './http/routes/media.js';
import { publishingRouter } from './http/routes/publishing.js';
import { showsRouter } from './http/routes/shows.js';
import { JobProducer } from './queue/producer.js';
import { ClipService } from './services/clips.js';
import { EpisodeService } from './services/episodes.js';
import { PublishingService } from './services/publishing.js';
import { ShowService } from './services/shows.js';
import type { FetchRules } from './net/safe-fetch.js';
import { LocalDiskStorage } from './storage/local-disk.js';
import { sweepOrphans } from './storage/temp.js';
import { MediaSigner, MediaUrls } from './http/media-urls.js';
import { PublishedMediaCheck } from './http/published-media.js';
import { PublicationsRepository } from './db/repositories/publications.repo.js';
import { serverSecret } from './db/repositories/server-secrets.repo.js';

export interface Antenne {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: DbHandle;
  readonly producer: JobProducer;
  readonly storage: LocalDiskStorage;
  /** URLs of stored files for editors (signed while unpublished). */
  readonly mediaUrls: MediaUrls;
  readonly repos: {
    shows: ShowsRepository;
    episodes: EpisodesRepository;
    renditions: RenditionsRepository;
    clips: ClipsRepository;
    playerSettings: PlayerSettingsRepository;
  };
  readonly editorTokens: readonly string[];
  readonly accounts: AccountService;
  /** The Express app (the OpenAPI test enumerates its routes). */
  readonly app: Express;
  readonly publishing: PublishingService;
  readonly feedPublisher: FeedPublisher;
  /** Starts the HTTP API; resolves with the bound port. */
  listen(port?: number): Promise<number>;
  startWorker(): Promise<WorkerRuntime>;
  /** Stops in order: HTTP, worker (grace period), queue, database. */
  close(): Promise<void>;
}

export const dirs = (dataDir: string) => ({
  media: path.join(dataDir, 'media'),
  uploadsTmp: path.join(dataDir, 'tmp', 'uploads'),
  jobsTmp: path.join(dataDir, 'tmp', 'jobs'),
});

export async function createAntenne(
  config: Config,
  logger: Logger,
  options: {
    pgliteDir?: string;
    /** Chapters and transcripts for the player (none until the feeds issue stores them). */
    embedExtras?: EpisodeExtrasSource;
    soundbites?: SoundbiteProvider;
    /** Server-side fetch rules instead of the defaults (tests reach their local servers). */
    outboundFetch?: { prefill?: FetchRules; feedCheck?: FetchRules };
  } = {},
): Promise<Antenne> {
  const paths = dirs(config.dataDir);
  const db = await connectDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteDir: options.pgliteDir,
  });
  const applied = await migrateToLatest(db.db);
  if (applied.length) logger.info({ applied, engine: db.engine }, 'database migrated');

  const repos = {
    shows: new ShowsRepository(db.db),
    episodes: new EpisodesRepository(db.db),
    renditions: new RenditionsRepository(db.db),
    clips: new ClipsRepository(db.db),
    playerSettings: new PlayerSettingsRepository(db.db),
  };
  const storage = new LocalDiskStorage(paths.media);
  const signer = new MediaSigner(await serverSecret(db.db, 'media-signing'));
  const mediaUrls = new MediaUrls(config.publicUrl, signer);
  const producer = await JobProducer.connect({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    logger,
  });

  let editorTokens = config.editorTokens;
  if (!editorTokens) {
    const generated = await loadOrCreateEditorToken(config.dataDir);
    editorTokens = [generated.token];
    logger.info(
      { file: generated.file },
      generated.created ? 'editor token created' : 'editor token loaded',
    );
  }

  const showService = new ShowService(repos.shows, config.publicUrl);
  const episodeService = new EpisodeService({
    ...repos,
    storage,
    producer,
    logger,
    // Bound late: the publishing service is built below, and only called after start.
    onChapters: (episodeId, chapters) => publishing.setChapters(episodeId, chapters),
  });
  const accounts = new AccountService(
    new UsersRepository(db.db),
    new SessionsRepository(db.db),
    new ApiTokensRepository(db.db),
    { sessionTtlMs: config.sessionTtlMs },
  );
  if (config.initialAdmin && !(await accounts.hasUsers())) {
    await accounts.createUser({ ...config.initialAdmin, name: 'Administrator', role: 'admin' });
    logger.info({ email: config.initialAdmin.email }, 'first administrator created');
  }
  const editorOnly = requireEditor;
  const clipService = new ClipService({ ...repos, producer, logger });
  const readerData = new ReaderData({
    ...repos,
    extras: options.embedExtras ?? storedExtras(storage),
    publicUrl: config.publicUrl,
  });

  const feedsRepo = new FeedsRepository(db.db);
  const feedPublisher = new FeedPublisher({
    feeds: feedsRepo,
    storage,
    tmpDir: path.join(config.dataDir, 'tmp', 'feeds'),
    publicUrl: config.publicUrl,
    logger,
    // Clips are the episode's soundbites (podcast:soundbite).
    soundbites: options.soundbites ?? ((ids) => repos.clips.listByEpisodes(ids)),
  });
  const publishing = new PublishingService({
    ...repos,
    publishing: new PublishingRepository(db.db),
    feeds: feedsRepo,
    producer,
    storage,
    logger,
    tmpDir: paths.uploadsTmp,
    publicUrl: config.publicUrl,
    onFeedChange: (showId) => feedPublisher.rebuildShow(showId),
  });

  const studio = createStudio({
    config,
    logger,
    db: db.db,
    episodesRepo: repos.episodes,
    episodes: episodeService,
    requireEditor: editorOnly,
    requireAdmin,
    accounts,
    clips: clipService,
    publishing,
    mediaUrls,
  });
  const jobEvents = new JobEventsHub({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    logger,
  });

  const app = createApp({
    logger,
    authenticate: authenticate({ accounts, staticTokens: editorTokens }),
    routers: [
      accountsRouter({
        accounts,
        secureCookies: config.publicUrl.startsWith('https:'),
        sessionTtlMs: config.sessionTtlMs,
        loginLimit: config.loginAttemptsPer15Min,
      }),
      healthRouter({
        check: async () => ({
          database: await db.db
            .selectFrom('shows')
            .select((eb) => eb.fn.countAll().as('n'))
            .execute()
            .then(() => 'ok')
            .catch((e: unknown) => String(e)),
          queue: await producer
            .ping()
            .then(() => 'ok')
            .catch((e: unknown) => String(e)),
        }),
      }),
      showsRouter({
        shows: showService,
        listings: new ListingsRepository(db.db),
        publicUrl: config.publicUrl,
        requireEditor: editorOnly,
      }),
      episodesRouter({
        episodes: episodeService,
        publicUrl: config.publicUrl,
        mediaUrls,
        requireEditor: editorOnly,
        upload: audioUpload({
          tmpDir: paths.uploadsTmp,
          maxBytes: config.maxUploadBytes,
          field: 'audio',
        }),
      }),
      episodeEventsRouter({
        requireEditor: editorOnly,
        episodes: episodeService,
        episodesRepo: repos.episodes,
        jobEvents,
      }),
      prefillRouter({
        requireEditor: editorOnly,
        policy: options.outboundFetch?.prefill?.policy ?? config.prefill,
        limits: options.outboundFetch?.prefill?.limits,
      }),
      clipsRouter({
        clips: clipService,
        publicUrl: config.publicUrl,
        mediaUrls,
        requireEditor: editorOnly,
      }),
      publishingRouter({
        publishing,
        episodes: episodeService,
        publicUrl: config.publicUrl,
        mediaUrls,
        requireEditor: editorOnly,
      }),
      feedCheckRouter({
        publisher: feedPublisher,
        requireEditor: editorOnly,
        publicUrl: config.publicUrl,
        ...options.outboundFetch?.feedCheck,
      }),
      feedsRouter({ publisher: feedPublisher }),
      embedRouter({ data: readerData }),
      mediaRouter({
        storage,
        signer,
        published: new PublishedMediaCheck(new PublicationsRepository(db.db)),
      }),
      openApiRouter({ publicUrl: config.publicUrl }),
      ...studio.routers,
    ],
  });

  let server: Server | null = null;
  let worker: WorkerRuntime | null = null;
  let recoverTimer: NodeJS.Timeout | null = null;

  return {
    config,
    logger,
    db,
    producer,
    storage,
    mediaUrls,
    repos,
    editorTokens,
    accounts,
    app,
    publishing,
    feedPublisher,
    async listen(port = config.port) {
      const removed = await sweepOrphans(paths.uploadsTmp);
      if (removed) logger.info({ removed }, 'removed uploads left by a stopped process');
      // Feeds are answered before Express (their hot path); everything else goes to the app.
      const fastFeeds = feedFastPath(feedPublisher);
      const s = createHttpServer(
        (req, res) => {
          const served = fastFeeds(req, res);
          if (served === false) void app(req, res);
          else if (served !== true) {
            served.then(
              (done) => {
                if (!done) void app(req, res);
              },
              () => void app(req, res),
            );
          }
        },
        { bodyTimeoutMs: config.requestBodyTimeoutMs, idleTimeoutMs: config.uploadIdleTimeoutMs },
      );
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, config.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      const address = s.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    async startWorker() {
      worker = await startWorkers({
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        concurrency: config.workerConcurrency,
        lockDurationMs: config.workerLockMs,
        stalledIntervalMs: config.workerStalledIntervalMs,
        shutdownGraceMs: config.shutdownGraceMs,
        producer,
        episodes: repos.episodes,
        logger,
        reconcileEveryMs: 5 * 60_000,
        handlerDeps: {
          ...repos,
          storage,
          logger,
          ffmpegPath: config.ffmpegPath,
          ffprobePath: config.ffprobePath,
          ffmpegTimeoutMs: config.ffmpegTimeoutMs,
          maxAudioDurationSeconds: config.maxAudioDurationSeconds,
          jobsTmpDir: paths.jobsTmp,
          publishing,
          onClipReady: (showId: string) => feedPublisher.rebuildShow(showId),
          encodeParallelism: config.encodeParallelism,
          defaultLadder: config.audioLadder,
        },
      });
      // Scheduled rows get their delayed job back (Redis may have lost it), and
      // a time already past publishes now; again every minute, cheaply.
      const recover = () =>
        publishing
          .recoverScheduled()
          .then((r) => {
            if (r.published || r.requeued) logger.info(r, 'scheduled episodes recovered');
          })
          .catch((error: unknown) => logger.error({ err: error }, 'schedule recovery failed'));
      await recover();
      recoverTimer = setInterval(() => void recover(), 60_000);
      recoverTimer.unref();
      return worker;
    },
    async close() {
      if (server) {
        const s: Server = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeIdleConnections();
        });
      }
      if (recoverTimer) clearInterval(recoverTimer);
      if (worker) await worker.close();
      await jobEvents.close();
      await studio.close();
      await producer.close();
      await db.close();
    },
  };
}
