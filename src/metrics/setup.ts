/** The metrics of one Antenne instance: what the composition root mounts, starts and stops. */
import type { Server } from 'node:http';
import type { Queue } from 'bullmq';
import type { Router } from 'express';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { metricsRouter, scrapeOf, startMetricsServer, type Scrape } from './endpoint.js';
import { queueRegistry } from './queues.js';
import { processRegistry } from './registry.js';

export interface Metrics {
  readonly scrape: Scrape;
  /** /metrics on the API port (METRICS_TOKEN set), else null: no route at all. */
  readonly router: Router | null;
  /** Starts the METRICS_PORT server once (API and worker alike); its port, or null if none is configured. */
  listen(): Promise<number | null>;
  close(): Promise<void>;
}

export function createMetrics(deps: {
  settings: Config['metrics'];
  queues: readonly Queue[];
  logger: Logger;
}): Metrics {
  const scrape = scrapeOf([processRegistry, queueRegistry(deps.queues, deps.logger)]);
  const { port, host, token } = deps.settings;
  let started: Promise<{ server: Server; port: number }> | null = null;
  return {
    scrape,
    router: token ? metricsRouter({ token, scrape }) : null,
    async listen() {
      if (port === undefined) return null;
      started ??= startMetricsServer({ host, port, scrape });
      const { port: bound } = await started;
      deps.logger.debug({ host, port: bound }, 'metrics listening');
      return bound;
    },
    async close() {
      if (!started) return;
      const { server } = await started;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
