/**
 * The object graph: database, repositories, storage, queue producer and the
 * services built on them, each constructed once from the Config. No routers,
 * no server, nothing started: `routers.ts`, `http-server.ts` and `background.ts`
 * take what they need from here.
 */
import { ReaderData } from '../../embed/data.js';
import type { EpisodeExtrasSource } from '../../embed/extras.js';
import { storedExtras } from '../../embed/stored-extras.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { connectDb, migrateToLatest, type DbHandle } from '../db/connect.js';
import { ApiTokensRepository } from '../db/repositories/api-tokens.repo.js';
import { ClipsRepository } from '../db/repositories/clips.repo.js';
import { EpisodesRepository } from '../db/repositories/episodes.repo.js';
import { EpisodeVersionsRepository } from '../db/repositories/episode-versions.repo.js';
import { FeedsRepository } from '../db/repositories/feeds.repo.js';
import { PlayerSettingsRepository } from '../db/repositories/player-settings.repo.js';
import { PublicationsRepository } from '../db/repositories/publications.repo.js';
import { PublishingRepository } from '../db/repositories/publishing.repo.js';
import { RenditionsRepository } from '../db/repositories/renditions.repo.js';
import { serverSecret } from '../db/repositories/server-secrets.repo.js';
import { SessionsRepository } from '../db/repositories/sessions.repo.js';
import { ShowsRepository } from '../db/repositories/shows.repo.js';
import { UsersRepository } from '../db/repositories/users.repo.js';
import { MediaSigner, MediaUrls } from '../http/media-urls.js';
import { PublishedMediaCheck } from '../http/published-media.js';
import { JobProducer } from '../queue/producer.js';
import { AccountService } from '../services/accounts.js';
import { ClipService } from '../services/clips.js';
import { CorrectionService } from '../services/corrections.js';
import { QualityService } from '../services/quality.js';
import { AudienceReportsRepository } from '../db/repositories/audience-reports.repo.js';
import { AudienceReportService } from '../services/audience-reports.js';
import { EpisodeService } from '../services/episodes.js';
import { FeedBuildsRepository } from '../db/repositories/feed-builds.repo.js';
import { FeedFragmentsRepository } from '../db/repositories/feed-fragments.repo.js';
import type { SoundbiteProvider } from '../feeds/render.js';
import { FeedPublishingService } from '../services/feed-publishing.js';
import { PlayerPeaksService } from '../services/player-peaks.js';
import { RenditionService } from '../services/renditions.js';
import { PublishingService } from '../services/publishing.js';
import { ShowService } from '../services/shows.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { createStorage } from '../storage/create.js';
import { QUEUES } from '../core/jobs.js';
import { createMetrics, type Metrics } from '../metrics/setup.js';
import { countStorageErrors } from '../metrics/storage.js';
import { producerConnection } from '../queue/connection.js';
import type { Redis } from 'ioredis';
import type { DataStore } from '@tus/server';
import { UploadsRepository } from '../db/repositories/uploads.repo.js';
import { UploadService } from '../services/uploads.js';
import { createUploadStore, type UploadStore } from '../storage/upload-store.js';
import { isbot } from 'isbot';
import { AudienceRepository } from '../db/repositories/audience.repo.js';
import { AudienceBuffer } from '../queue/audience-buffer.js';
import { AudienceAggregator, AudienceRecorder, logCountingError } from '../services/audience.js';
import { FeedMovesRepository } from '../db/repositories/feed-moves.repo.js';
import { FeedMovesService } from '../services/feed-moves.js';
import { WebSubPublisher } from '../services/websub.js';

export interface GraphOptions {
  pgliteDir?: string;
  /** A new PGlite database starts from this dumped data directory (tests: a migrated one). */
  pgliteLoadDataDir?: Blob;
  /** Chapters and transcripts for the player instead of the stored ones. */
  embedExtras?: EpisodeExtrasSource;
  soundbites?: SoundbiteProvider;
  /** Wraps the resumable uploads' store (tests count the bytes it receives). */
  wrapUploadStore?: (store: DataStore) => DataStore;
  /** The clock audience counting dates requests by (tests move it to another day). */
  audienceClock?: () => number;
}

/** Audience counting (issue 12); null when AUDIENCE=off. */
export interface Audience {
  readonly recorder: AudienceRecorder;
  readonly aggregator: AudienceAggregator;
}

export interface Repos {
  shows: ShowsRepository;
  episodes: EpisodesRepository;
  renditions: RenditionsRepository;
  clips: ClipsRepository;
  playerSettings: PlayerSettingsRepository;
  /** Versions of episodes' audio (corrections, issue 13). */
  versions: EpisodeVersionsRepository;
}

export interface Graph {
  readonly db: DbHandle;
  readonly repos: Repos;
  readonly storage: BlobStorage;
  readonly signer: MediaSigner;
  /** URLs of stored files for editors (signed while unpublished). */
  readonly mediaUrls: MediaUrls;
  readonly publishedMedia: PublishedMediaCheck;
  readonly producer: JobProducer;
  readonly shows: ShowService;
  readonly episodes: EpisodeService;
  /** Resumable (tus) uploads: where their bytes wait, and their use cases. */
  readonly uploadStore: UploadStore;
  readonly uploads: UploadService;
  readonly clips: ClipService;
  /** Corrections of published audio (issue 13). */
  readonly corrections: CorrectionService;
  readonly accounts: AccountService;
  readonly publishing: PublishingService;
  /** The quality report of an episode (issue 13). */
  readonly quality: QualityService;
  readonly feedPublisher: FeedPublishingService;
  /** Moving a show's feed: a new slug (301 from the old one) or another host. */
  readonly feedMoves: FeedMovesService;
  /** Pings the WebSub hub on feed changes; null without WEBSUB_HUB_URL. */
  readonly websub: WebSubPublisher | null;
  readonly renditions: RenditionService;
  readonly readerData: ReaderData;
  /** Audience reports (read side of issue 12). */
  readonly audienceReports: AudienceReportService;
  readonly metrics: Metrics;
  /** Shared counters of every API process (the sign-in rate limit). */
  readonly limitRedis: Redis;
  /** Keys the rate limiters' counters: a keyed hash of the client address, never the address. */
  readonly limitKeySecret: Buffer;
  readonly audience: Audience | null;
  /** Closes what the graph opened: the queue producer, then the database. */
  close(): Promise<void>;
}

export async function buildGraph(
  config: Config,
  logger: Logger,
  options: GraphOptions = {},
): Promise<Graph> {
  const db = await connectDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteDir: options.pgliteDir,
    pgliteLoadDataDir: options.pgliteLoadDataDir,
    onIdleConnectionError: (error) =>
      logger.warn({ err: error }, 'an idle database connection failed; it was dropped'),
  });
  const applied = await migrateToLatest(db.db);
  if (applied.length) logger.info({ applied, engine: db.engine }, 'database migrated');

  const repos: Repos = {
    shows: new ShowsRepository(db.db),
    episodes: new EpisodesRepository(db.db),
    renditions: new RenditionsRepository(db.db),
    clips: new ClipsRepository(db.db),
    playerSettings: new PlayerSettingsRepository(db.db),
    versions: new EpisodeVersionsRepository(db.db),
  };
  const feedsRepo = new FeedsRepository(db.db);
  const storage = countStorageErrors(createStorage(config));
  const signer = new MediaSigner(await serverSecret(db.db, 'media-signing'));
  const producer = await JobProducer.connect({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    logger,
  });
  // Sign-in attempts are counted in Redis, so every API process sees the same count.
  const limitRedis = producerConnection(config.redisUrl);
  limitRedis.on('error', (error) => logger.warn({ err: error }, 'redis (rate limit) error'));
  await limitRedis.connect();
  // Its own connection, pipelining the commands of concurrent requests into one write.
  const audienceRedis = config.audience.countAt
    ? producerConnection(config.redisUrl, { enableAutoPipelining: true })
    : null;
  if (audienceRedis) {
    audienceRedis.on('error', (error) => logger.warn({ err: error }, 'redis (audience) error'));
    await audienceRedis.connect();
  }
  const audience = audienceRedis ? buildAudience(db, audienceRedis, config, options, logger) : null;
  const metrics = createMetrics({
    settings: config.metrics,
    queues: Object.values(QUEUES).map((name) => producer.queue(name)),
    logger,
  });

  const feedMovesRepo = new FeedMovesRepository(db.db);
  const websub = config.websub
    ? new WebSubPublisher({
        hubUrl: config.websub.hubUrl,
        policy: { allowPrivate: config.websub.allowPrivate, allowedHosts: [] },
        publicUrl: config.publicUrl,
        shows: repos.shows,
        feeds: feedsRepo,
        producer,
        logger,
      })
    : null;
  const feedPublisher = new FeedPublishingService({
    feeds: feedsRepo,
    builds: new FeedBuildsRepository(db.db),
    fragments: new FeedFragmentsRepository(db.db),
    storage,
    publicUrl: config.publicUrl,
    mediaBase: config.media.publicBase,
    audioBase: config.media.audioBase,
    logger,
    // Clips are the episode's soundbites (podcast:soundbite).
    soundbites: options.soundbites ?? ((ids) => repos.clips.listByEpisodes(ids)),
    hubUrl: config.websub?.hubUrl,
    moves: feedMovesRepo,
    ...(websub ? { onFeedsChanged: (showId: string) => websub.announce(showId) } : {}),
  });
  const quality = new QualityService({
    storage,
    episodes: repos.episodes,
    publicUrl: config.publicUrl,
    logger,
  });
  const publishing = new PublishingService({
    ...repos,
    publishing: new PublishingRepository(db.db),
    feeds: feedsRepo,
    producer,
    storage,
    logger,
    publicUrl: config.publicUrl,
    feedPublishing: feedPublisher,
    quality,
  });

  const episodes = new EpisodeService({ ...repos, storage, producer, logger, publishing });
  const uploadStore = createUploadStore(config, options.wrapUploadStore);

  return {
    db,
    repos,
    storage,
    signer,
    mediaUrls: new MediaUrls(config.publicUrl, config.media.publicBase, signer),
    publishedMedia: new PublishedMediaCheck(new PublicationsRepository(db.db)),
    producer,
    shows: new ShowService(repos.shows, config.publicUrl, feedMovesRepo),
    episodes,
    uploadStore,
    uploads: new UploadService({
      uploads: new UploadsRepository(db.db),
      store: uploadStore,
      episodes,
      logger,
      expiryMs: config.uploadExpiryMs,
    }),
    renditions: new RenditionService({ ...repos, storage, ffprobePath: config.ffprobePath }),
    clips: new ClipService({ ...repos, producer, logger }),
    corrections: new CorrectionService({
      ...repos,
      storage,
      producer,
      logger,
      feedPublishing: feedPublisher,
    }),
    accounts: new AccountService(
      new UsersRepository(db.db),
      new SessionsRepository(db.db),
      new ApiTokensRepository(db.db),
      { sessionTtlMs: config.sessionTtlMs },
    ),
    publishing,
    quality,
    feedPublisher,
    feedMoves: new FeedMovesService({
      shows: repos.shows,
      moves: feedMovesRepo,
      feedPublishing: feedPublisher,
      publicUrl: config.publicUrl,
      logger,
    }),
    websub,
    readerData: new ReaderData({
      ...repos,
      extras: options.embedExtras ?? storedExtras(storage),
      playerPeaks: new PlayerPeaksService({ ...repos, storage, logger }),
      publicUrl: config.publicUrl,
      mediaBase: config.media.publicBase,
      audioBase: config.media.audioBase,
      markPlayerAudio: audience !== null,
    }),
    audienceReports: new AudienceReportService({
      reports: new AudienceReportsRepository(db.db),
      shows: repos.shows,
      episodes: repos.episodes,
    }),
    metrics,
    limitRedis,
    limitKeySecret: await serverSecret(db.db, 'rate-limit-keys'),
    audience,
    async close() {
      await metrics.close();
      limitRedis.disconnect();
      audienceRedis?.disconnect();
      await producer.close();
      await db.close();
    },
  };
}

/** The counting hot path and the batch job (Redis failing fast: counting never waits for it). */
function buildAudience(
  db: DbHandle,
  redis: Redis,
  config: Config,
  options: GraphOptions,
  logger: Logger,
): Audience {
  const buffer = new AudienceBuffer(redis, config.queuePrefix);
  const repo = new AudienceRepository(db.db);
  return {
    recorder: new AudienceRecorder({
      buffer,
      repo,
      isBot: isbot,
      now: options.audienceClock,
      onFailure: (error, requests) => logCountingError(logger, error, requests),
    }),
    aggregator: new AudienceAggregator({ buffer, repo }),
  };
}
