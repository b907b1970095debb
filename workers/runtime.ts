import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_PAYLOADS, QUEUES, type JobName } from '../src/core/jobs.js';
import type { Logger } from '../src/core/logger.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import type { JobProducer } from '../src/queue/producer.js';
import { workerConnection } from '../src/queue/connection.js';
import { sweepOrphans } from '../src/storage/temp.js';
import { observeWorker } from '../src/metrics/workers.js';
import { SHUTDOWN_REASON } from './media-job.js';
import { reconcile } from './reconcile.js';
import { buildHandlers, type HandlerDeps } from './registry.js';

export interface WorkerRuntimeOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly shutdownGraceMs: number;
  readonly producer: JobProducer;
  readonly episodes: EpisodesRepository;
  readonly logger: Logger;
  readonly handlerDeps: HandlerDeps;
  /** How often to look for rows a lost job left behind (0: only at start). */
  readonly reconcileEveryMs?: number;
}

export interface WorkerRuntime {
  /** Stops taking jobs; lets the running one finish within the grace period, else hands it back. */
  close(): Promise<void>;
}

function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_PAYLOADS, name);
}

export async function startWorkers(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { logger } = options;
  const removed = await sweepOrphans(options.handlerDeps.jobsTmpDir);
  if (removed) logger.info({ removed }, 'removed temp files left by a stopped worker');

  const handlers = buildHandlers(options.handlerDeps);
  const connection: Redis = workerConnection(options.redisUrl);
  connection.on('error', (error) => logger.warn({ err: error }, 'redis (worker) error'));

  const worker = new Worker(
    QUEUES.audio,
    async (job, token, signal) => {
      if (!isJobName(job.name)) throw new Error(`No handler for job "${job.name}"`);
      return handlers[job.name](job, token, signal);
    },
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      autorun: false,
      // ffmpeg runs in a child process: the event loop stays free to renew locks.
      lockDuration: options.lockDurationMs ?? 60_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  observeWorker(worker);
  worker.on('failed', (job, error) =>
    logger.warn(
      { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
      'job failed',
    ),
  );
  void worker.run();
  await worker.waitUntilReady();

  // Publications have their own queue and connection: never behind a long encode.
  const feedsConnection: Redis = workerConnection(options.redisUrl);
  feedsConnection.on('error', (error) => logger.warn({ err: error }, 'redis (feeds worker) error'));
  const feedsWorker = new Worker(
    QUEUES.feeds,
    async (job, token, signal) => {
      if (!isJobName(job.name)) throw new Error(`No handler for job "${job.name}"`);
      return handlers[job.name](job, token, signal);
    },
    { connection: feedsConnection, prefix: options.prefix, concurrency: 2, autorun: false },
  );
  feedsWorker.on('error', (error) => logger.error({ err: error }, 'feeds worker error'));
  observeWorker(feedsWorker);
  feedsWorker.on('failed', (job, error) =>
    logger.warn({ jobId: job?.id, err: error.message }, 'feeds job failed'),
  );
  void feedsWorker.run();
  await feedsWorker.waitUntilReady();

  const runReconcile = () =>
    reconcile({
      episodes: options.episodes,
      producer: options.producer,
      audioQueue: options.producer.queue(QUEUES.audio),
      logger,
      minAgeMs: 60_000,
    }).catch((error: unknown) => logger.error({ err: error }, 'reconcile failed'));
  await runReconcile();
  const timer = options.reconcileEveryMs
    ? setInterval(() => void runReconcile(), options.reconcileEveryMs)
    : null;
  timer?.unref();

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        await feedsWorker.close();
        feedsConnection.disconnect();
        const closed = worker.close();
        const inTime = await Promise.race([
          closed.then(() => true),
          new Promise<false>((resolve) =>
            setTimeout(() => resolve(false), options.shutdownGraceMs).unref(),
          ),
        ]);
        if (!inTime) {
          logger.warn(
            'jobs still running at the end of the grace period: stopping ffmpeg and handing them back',
          );
          worker.cancelAllJobs(SHUTDOWN_REASON);
          await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
          await worker.close(true);
        }
        connection.disconnect();
      })();
      return closing;
    },
  };
}
