import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  JOB_PAYLOADS,
  JOB_QUEUE,
  QUEUES,
  jobIdFor,
  type JobName,
  type PayloadOf,
  type QueueName,
} from '../core/jobs.js';
import type { Logger } from '../core/logger.js';
import { producerConnection } from './connection.js';

/** Defaults for every job: retries with jittered backoff, and bounded history in Redis. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000, jitter: 0.5 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
};

export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The job queue (Redis) is unavailable', { cause });
    this.name = 'QueueUnavailableError';
  }
}

export class JobProducer {
  private readonly queues: Map<QueueName, Queue>;

  private constructor(
    private readonly connection: Redis,
    prefix: string,
    logger: Logger,
  ) {
    this.queues = new Map(
      Object.values(QUEUES).map((name) => {
        const queue = new Queue(name, {
          connection,
          prefix,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        });
        queue.on('error', (error) => logger.error({ err: error, queue: name }, 'queue error'));
        return [name, queue];
      }),
    );
  }

  static async connect(options: {
    redisUrl: string;
    prefix: string;
    logger: Logger;
  }): Promise<JobProducer> {
    const connection = producerConnection(options.redisUrl);
    connection.on('error', (error) =>
      options.logger.warn({ err: error }, 'redis (producer) error'),
    );
    await connection.connect();
    return new JobProducer(connection, options.prefix, options.logger);
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Unknown queue ${name}`);
    return queue;
  }

  /** Validates and enqueues; idempotent for the same (name, payload, revision). */
  async enqueue<N extends JobName>(
    name: N,
    payload: PayloadOf<N>,
    revision = 0,
    options: { delayMs?: number } = {},
  ): Promise<string> {
    const data = JOB_PAYLOADS[name].parse(payload) as PayloadOf<N>;
    const jobId = jobIdFor(name, data, revision);
    try {
      await this.queue(JOB_QUEUE[name]).add(name, data, {
        jobId,
        ...(options.delayMs ? { delay: Math.max(0, Math.round(options.delayMs)) } : {}),
      });
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
    return jobId;
  }

  /**
   * Runs `name` every `everyMs` (a BullMQ job scheduler: one per name in Redis, so
   * every process may declare it; the last declaration sets the period).
   */
  async repeat<N extends JobName>(name: N, payload: PayloadOf<N>, everyMs: number): Promise<void> {
    const data = JOB_PAYLOADS[name].parse(payload) as PayloadOf<N>;
    await this.queue(JOB_QUEUE[name]).upsertJobScheduler(
      name,
      { every: Math.max(1000, Math.round(everyMs)) },
      { name, data, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
    );
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
