/**
 * Wires the pieces together from one Config: the composition root shared by
 * the API process, the worker process, `npm start` (both) and the tests.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import { feedsRouter } from '../feeds/router.js';
import { startWorkers, type WorkerRuntime } from '../workers/runtime.js';
import type { Config } from './core/config.js';
import { loadOrCreateEditorToken } from './core/editor-token.js';
import type { Logger } from './core/logger.js';
import { connectDb, migrateToLatest, type DbHandle } from './db/connect.js';
import { EpisodesRepository } from './db/repositories/episodes.repo.js';
import { RenditionsRepository } from './db/repositories/renditions.repo.js';
import { ShowsRepository } from './db/repositories/shows.repo.js';
import { createApp } from './http/app.js';
import { requireEditor } from './http/middleware/auth.js';
import { audioUpload } from './http/middleware/upload.js';
import { episodesRouter } from './http/routes/episodes.js';
import { healthRouter } from './http/routes/health.js';
import { mediaRouter } from './http/routes/media.js';
import { showsRouter } from './http/routes/shows.js';
import { JobProducer } from './queue/producer.js';
import { EpisodeService } from './services/episodes.js';
import { ShowService } from './services/shows.js';
import { LocalDiskStorage } from './storage/local-disk.js';
import { sweepOrphans } from './storage/temp.js';

export interface Antenne {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: DbHandle;
  readonly producer: JobProducer;
  readonly storage: LocalDiskStorage;
  readonly repos: {
    shows: ShowsRepository;
    episodes: EpisodesRepository;
    renditions: RenditionsRepository;
  };
  readonly editorTokens: readonly string[];
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
  options: { pgliteDir?: string } = {},
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
  };
  const storage = new LocalDiskStorage(paths.media);
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
  const episodeService = new EpisodeService({ ...repos, storage, producer, logger });
  const editorOnly = requireEditor(editorTokens);

  const app = createApp({
    logger,
    routers: [
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
      showsRouter({ shows: showService, publicUrl: config.publicUrl, requireEditor: editorOnly }),
      episodesRouter({
        episodes: episodeService,
        publicUrl: config.publicUrl,
        requireEditor: editorOnly,
        upload: audioUpload({
          tmpDir: paths.uploadsTmp,
          maxBytes: config.maxUploadBytes,
          field: 'audio',
        }),
      }),
      feedsRouter({ ...repos, publicUrl: config.publicUrl }),
      mediaRouter({ storage }),
    ],
  });

  let server: Server | null = null;
  let worker: WorkerRuntime | null = null;

  return {
    config,
    logger,
    db,
    producer,
    storage,
    repos,
    editorTokens,
    async listen(port = config.port) {
      const removed = await sweepOrphans(paths.uploadsTmp);
      if (removed) logger.info({ removed }, 'removed uploads left by a stopped process');
      await new Promise<void>((resolve, reject) => {
        server = app.listen(port, config.host, (error?: Error) =>
          error ? reject(error) : resolve(),
        );
      });
      // Long uploads: no request timeout; idle keep-alive sockets still close.
      server!.requestTimeout = 0;
      const address = server!.address();
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
          encodeParallelism: config.encodeParallelism,
          defaultLadder: config.audioLadder,
        },
      });
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
      if (worker) await worker.close();
      await producer.close();
      await db.close();
    },
  };
}
