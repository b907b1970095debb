/**
 * One BullMQ QueueEvents subscription per process, fanned out to the API's
 * server-sent event streams: job progress reaches the browser as the worker
 * reports it, without each open stream holding its own Redis connection.
 */
import { EventEmitter } from 'node:events';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES } from '../core/jobs.js';
import type { Logger } from '../core/logger.js';
import { workerConnection } from './connection.js';

export interface JobEvent {
  readonly jobId: string;
  readonly kind: 'progress' | 'completed' | 'failed' | 'active';
  readonly progress?: number;
}

export class JobEventsHub {
  private events: { queueEvents: QueueEvents; connection: Redis } | null = null;
  private readonly emitter = new EventEmitter();

  constructor(private readonly options: { redisUrl: string; prefix: string; logger: Logger }) {
    this.emitter.setMaxListeners(0);
  }

  /** Connects on the first subscriber: a process nobody watches holds no connection. */
  private start(): void {
    if (this.events) return;
    // QueueEvents reads blocking, like a worker: it needs the worker's retry settings.
    const connection = workerConnection(this.options.redisUrl);
    connection.on('error', (err) => this.options.logger.warn({ err }, 'redis (job events) error'));
    const queueEvents = new QueueEvents(QUEUES.audio, { prefix: this.options.prefix, connection });
    queueEvents.on('error', (err) => this.options.logger.warn({ err }, 'queue events error'));
    queueEvents.on('progress', ({ jobId, data }) => {
      const progress = typeof data === 'number' ? data : Number(data);
      this.emit({ jobId, kind: 'progress', progress: Number.isFinite(progress) ? progress : 0 });
    });
    queueEvents.on('active', ({ jobId }) => this.emit({ jobId, kind: 'active' }));
    queueEvents.on('completed', ({ jobId }) => this.emit({ jobId, kind: 'completed' }));
    queueEvents.on('failed', ({ jobId }) => this.emit({ jobId, kind: 'failed' }));
    this.events = { queueEvents, connection };
  }

  private emit(event: JobEvent): void {
    this.emitter.emit('job', event);
  }

  /** Calls `listener` for every job event until the returned function is called. */
  subscribe(listener: (event: JobEvent) => void): () => void {
    this.start();
    this.emitter.on('job', listener);
    return () => this.emitter.off('job', listener);
  }

  async close(): Promise<void> {
    const events = this.events;
    this.events = null;
    this.emitter.removeAllListeners();
    if (!events) return;
    // A connection passed in is shared as far as BullMQ is concerned: ours to end.
    await events.queueEvents.close();
    events.connection.disconnect();
  }
}
