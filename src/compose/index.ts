/**
 * The composition root shared by the API process, the worker process, `npm start`
 * (both) and the tests: builds the object graph (graph.ts), gets the first
 * callers in (first-access.ts), mounts the routers (routers.ts) and, on demand,
 * starts the HTTP server (http-server.ts) and the background work (background.ts).
 * Only this folder and the process mains import entry points (feeds/, embed/,
 * studio/, workers/); see .dependency-cruiser.cjs.
 */
import type { Express } from 'express';
import type { FeedPublishingService } from '../services/feed-publishing.js';
import type { WorkerRuntime } from '../../workers/runtime.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { DbHandle } from '../db/connect.js';
import { createApp } from '../http/app.js';
import type { MediaUrls } from '../http/media-urls.js';
import { authenticate } from '../http/middleware/auth.js';
import type { JobProducer } from '../queue/producer.js';
import type { AccountService } from '../services/accounts.js';
import type { PublishingService } from '../services/publishing.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { Metrics } from '../metrics/setup.js';
import { startBackground, type Background } from './background.js';
import { editorTokens as loadEditorTokens, ensureFirstAdministrator } from './first-access.js';
import { buildGraph, type Audience, type GraphOptions, type Repos } from './graph.js';
import { startHttpServer, type RunningServer } from './http-server.js';
import { buildRouters, type RouterOptions } from './routers.js';

export { dirs } from './dirs.js';

export type AntenneOptions = GraphOptions & RouterOptions;

export interface Antenne {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: DbHandle;
  readonly producer: JobProducer;
  readonly storage: BlobStorage;
  /** URLs of stored files for editors (signed while unpublished). */
  readonly mediaUrls: MediaUrls;
  readonly repos: Repos;
  readonly editorTokens: readonly string[];
  readonly accounts: AccountService;
  /** The Express app (the OpenAPI test enumerates its routes). */
  readonly app: Express;
  readonly publishing: PublishingService;
  readonly feedPublisher: FeedPublishingService;
  readonly metrics: Metrics;
  /** Audience counting and its batch job; null when AUDIENCE=off. */
  readonly audience: Audience | null;
  /** Starts the HTTP API; resolves with the bound port. */
  listen(port?: number): Promise<number>;
  startWorker(): Promise<WorkerRuntime>;
  /** Stops in order: HTTP, worker (grace period), queue, database. */
  close(): Promise<void>;
}

export async function createAntenne(
  config: Config,
  logger: Logger,
  options: AntenneOptions = {},
): Promise<Antenne> {
  const graph = await buildGraph(config, logger, options);
  const editorTokens = await loadEditorTokens(config, logger);
  await ensureFirstAdministrator(config, logger, graph.accounts);

  const routers = buildRouters(config, logger, graph, options);
  const app = createApp({
    logger,
    trustProxy: config.trustProxy,
    authenticate: authenticate({ accounts: graph.accounts, staticTokens: editorTokens }),
    routers: routers.routers,
  });

  let server: RunningServer | null = null;
  let background: Background | null = null;

  return {
    config,
    logger,
    db: graph.db,
    producer: graph.producer,
    storage: graph.storage,
    mediaUrls: graph.mediaUrls,
    repos: graph.repos,
    editorTokens,
    accounts: graph.accounts,
    app,
    publishing: graph.publishing,
    feedPublisher: graph.feedPublisher,
    metrics: graph.metrics,
    audience: graph.audience,
    async listen(port = config.port) {
      server = await startHttpServer(
        { config, logger, app, feedPublisher: graph.feedPublisher, metrics: graph.metrics },
        port,
      );
      return server.port;
    },
    async startWorker() {
      await graph.metrics.listen();
      background = await startBackground(config, logger, graph);
      return background.worker;
    },
    async close() {
      await server?.close();
      // Counts of requests already answered reach Redis before it closes.
      await graph.audience?.recorder.settled();
      await background?.close();
      await routers.close();
      await graph.close();
    },
  };
}
