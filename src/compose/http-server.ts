/**
 * The HTTP server: feeds are answered before Express (their hot path, see
 * feeds/serve.ts), everything else goes to the app.
 */
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { FeedPublishingService } from '../services/feed-publishing.js';
import { feedFastPath } from '../../feeds/serve.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { createHttpServer } from '../http/server.js';
import { observeHttp } from '../metrics/http.js';
import type { Metrics } from '../metrics/setup.js';
import { sweepOrphans } from '../storage/temp.js';
import { uploadDirs } from '../storage/upload-store.js';
import { dirs } from './dirs.js';

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(
  deps: {
    config: Config;
    logger: Logger;
    app: Express;
    feedPublisher: FeedPublishingService;
    metrics: Metrics;
  },
  port: number,
): Promise<RunningServer> {
  const { config, logger, app } = deps;
  // Multipart uploads in progress, and local copies of finished resumable uploads
  // (S3 store) being made into episodes: a killed process leaves both behind.
  let removed = 0;
  for (const dir of [dirs(config.dataDir).uploadsTmp, uploadDirs(config.dataDir).tmp])
    removed += await sweepOrphans(dir);
  if (removed) logger.info({ removed }, 'removed uploads left by a stopped process');

  const fastFeeds = feedFastPath(deps.feedPublisher);
  const server = createHttpServer(
    (req, res) =>
      observeHttp(req, res, () => {
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
      }),
    { bodyTimeoutMs: config.requestBodyTimeoutMs, idleTimeoutMs: config.uploadIdleTimeoutMs },
  );
  await deps.metrics.listen();
  await listen(server, port, config.host);
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
