/**
 * Background work of a process that processes audio: the BullMQ workers and the
 * timer that gives scheduled publications their delayed job back.
 */
import { startWorkers, type WorkerRuntime } from '../../workers/runtime.js';
import type { Config } from '../core/config.js';
import { AUDIENCE_SCHEDULER_ID, QUEUES } from '../core/jobs.js';
import type { Logger } from '../core/logger.js';
import type { PublishingService } from '../services/publishing.js';
import { EncodeBalance } from '../media/encode-balance.js';
import { dirs } from './dirs.js';
import type { Graph } from './graph.js';

/** How often the worker looks for rows a lost job left behind. */
const RECONCILE_EVERY_MS = 5 * 60_000;
/** How often scheduled publications are checked against the queue. */
const RECOVER_SCHEDULED_EVERY_MS = 60_000;
/** Expired uploads are looked for at most this often, and at least once per expiry period. */
const SWEEP_UPLOADS_AT_MOST_EVERY_MS = 3600_000;

export interface Background {
  readonly worker: WorkerRuntime;
  /** Stops the timer, then the workers (grace period for the running job). */
  close(): Promise<void>;
}

export async function startBackground(
  config: Config,
  logger: Logger,
  graph: Graph,
): Promise<Background> {
  const worker = await startWorkers({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    lockDurationMs: config.workerLockMs,
    stalledIntervalMs: config.workerStalledIntervalMs,
    shutdownGraceMs: config.shutdownGraceMs,
    producer: graph.producer,
    episodes: graph.repos.episodes,
    logger,
    reconcileEveryMs: RECONCILE_EVERY_MS,
    handlerDeps: {
      ...graph.repos,
      storage: graph.storage,
      logger,
      ffmpegPath: config.ffmpegPath,
      ffprobePath: config.ffprobePath,
      ffmpegTimeoutMs: config.ffmpegTimeoutMs,
      maxAudioDurationSeconds: config.maxAudioDurationSeconds,
      jobsTmpDir: dirs(config.dataDir).jobsTmp,
      publishing: graph.publishing,
      feedPublishing: graph.feedPublisher,
      renditionService: graph.renditions,
      corrections: graph.corrections,
      encodeParallelism: config.encodeParallelism,
      // In memory: a worker keeps nothing on its disk but temp files (docs/scaling.md);
      // a restarted one learns the balance again in a few jobs.
      encodeBalance: new EncodeBalance({ logger }),
      defaultLadder: config.audioLadder,
      uploads: graph.uploads,
      audienceAggregator: graph.audience?.aggregator,
      websub: graph.websub ?? undefined,
    },
  });
  // A BullMQ job scheduler: whichever worker is free runs it, one run at a time.
  await graph.producer.repeat(
    'sweep-uploads',
    {},
    Math.min(SWEEP_UPLOADS_AT_MOST_EVERY_MS, config.uploadExpiryMs),
  );
  await scheduleAudience(config, graph);
  const timer = await recoverScheduledEvery(graph.publishing, logger, RECOVER_SCHEDULED_EVERY_MS);
  return {
    worker,
    async close() {
      clearInterval(timer);
      await worker.close();
    },
  };
}

/**
 * Scheduled rows get their delayed job back (Redis may have lost it), and a time
 * already past publishes now: once at start, then every `everyMs`, cheaply.
 */
async function recoverScheduledEvery(
  publishing: PublishingService,
  logger: Logger,
  everyMs: number,
): Promise<NodeJS.Timeout> {
  const recover = () =>
    publishing
      .recoverScheduled()
      .then((r) => {
        if (r.published || r.requeued) logger.info(r, 'scheduled episodes recovered');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'schedule recovery failed'));
  await recover();
  const timer = setInterval(() => void recover(), everyMs);
  timer.unref();
  return timer;
}

/**
 * The audience batch runs every AUDIENCE_AGGREGATE_SECONDS on whichever worker
 * takes it (one BullMQ job scheduler, whichever process sets it); AUDIENCE=off
 * removes the schedule.
 */
async function scheduleAudience(config: Config, graph: Graph): Promise<void> {
  const queue = graph.producer.queue(QUEUES.audience);
  if (!graph.audience) {
    await queue.removeJobScheduler(AUDIENCE_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    AUDIENCE_SCHEDULER_ID,
    { every: config.audience.aggregateEveryMs },
    {
      name: 'aggregate-audience',
      data: {},
      opts: { removeOnComplete: 100, removeOnFail: 100 },
    },
  );
}
