import { Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES, type QueueName } from '../src/core/jobs.js';
import type { Logger } from '../src/core/logger.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import type { JobProducer } from '../src/queue/producer.js';
import { workerConnection } from '../src/queue/connection.js';
import { sweepOrphans } from '../src/storage/temp.js';
import { warmUpFfmpeg } from '../src/media/ffmpeg.js';
import { observeWorker } from '../src/metrics/workers.js';
import { SHUTDOWN_REASON } from './media-job.js';
import { reconcile } from './reconcile.js';
import { buildHandlers, dispatch, type HandlerDeps } from './registry.js';

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

/** Per queue: how many jobs at once, and how long a job's lock lives without renewal. */
function queueSettings(options: WorkerRuntimeOptions): Record<QueueName, Partial<WorkerOptions>> {
  return {
    audio: {
      concurrency: options.concurrency,
      // ffmpeg runs in a child process: the event loop stays free to renew locks.
      lockDuration: options.lockDurationMs ?? 60_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    },
    // Publications have their own queue: never behind a long encode.
    feeds: { concurrency: 2 },
    // One batch at a time per process; the cursor keeps two processes from counting one batch twice.
    audience: { concurrency: 1 },
  };
}

export async function startWorkers(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { logger } = options;
  const [removed] = await Promise.all([
    sweepOrphans(options.handlerDeps.jobsTmpDir),
    // fluent-ffmpeg's lists of formats and encoders, once here rather than in the first job.
    warmUpFfmpeg(options.handlerDeps.ffmpegPath),
  ]);
  if (removed) logger.info({ removed }, 'removed temp files left by a stopped worker');

  const handlers = buildHandlers(options.handlerDeps);
  const settings = queueSettings(options);
  const workers: { worker: Worker; connection: Redis }[] = [];
  for (const queue of Object.values(QUEUES)) {
    // One connection per queue: a blocking wait for jobs on one never delays the other.
    const connection: Redis = workerConnection(options.redisUrl);
    connection.on('error', (error) => logger.warn({ err: error, queue }, 'redis (worker) error'));
    const worker = new Worker(
      queue,
      (job, token, signal) => dispatch(handlers, job, token, signal),
      {
        connection,
        prefix: options.prefix,
        autorun: false,
        ...settings[queue],
      },
    );
    observeWorker(worker);
    worker.on('error', (error) => logger.error({ err: error, queue }, 'worker error'));
    worker.on('failed', (job, error) =>
      logger.warn(
        { queue, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
        'job failed',
      ),
    );
    void worker.run();
    await worker.waitUntilReady();
    workers.push({ worker, connection });
  }

  const runReconcile = () =>
    reconcile({
      episodes: options.episodes,
      versions: options.handlerDeps.versions,
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
        await Promise.all(
          workers.map(({ worker }) => closeInTime(worker, options.shutdownGraceMs, logger)),
        );
        for (const { connection } of workers) connection.disconnect();
      })();
      return closing;
    },
  };
}

/** Lets running jobs finish within the grace period, else stops them and hands them back. */
async function closeInTime(worker: Worker, graceMs: number, logger: Logger): Promise<void> {
  const closed = worker.close();
  const inTime = await Promise.race([
    closed.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
  ]);
  if (inTime) return;
  logger.warn(
    { queue: worker.name },
    'jobs still running at the end of the grace period: stopping them and handing them back',
  );
  worker.cancelAllJobs(SHUTDOWN_REASON);
  await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
  await worker.close(true);
}
