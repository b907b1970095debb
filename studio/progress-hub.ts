/**
 * One BullMQ QueueEvents subscription per process, fanned out to the studio's
 * server-sent event streams: job progress reaches the browser as the worker
 * reports it, without each open page holding its own Redis connection.
 */
import { EventEmitter } from 'node:events';
import { QueueEvents } from 'bullmq';
import { QUEUES } from '../src/core/jobs.js';
import type { Logger } from '../src/core/logger.js';

export interface JobEvent {
  readonly jobId: string;
  readonly kind: 'progress' | 'completed' | 'failed' | 'active';
  readonly progress?: number;
}

export class ProgressHub {
  private events: QueueEvents | null = null;
  private readonly emitter = new EventEmitter();

  constructor(private readonly options: { redisUrl: string; prefix: string; logger: Logger }) {
    this.emitter.setMaxListeners(0);
  }

  private start(): void {
    if (this.events) return;
    const url = new URL(this.options.redisUrl);
    const events = new QueueEvents(QUEUES.audio, {
      prefix: this.options.prefix,
      connection: {
        host: url.hostname,
        port: Number(url.port || 6379),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
        db: Number(url.pathname.slice(1) || 0),
      },
    });
    events.on('error', (err) => this.options.logger.warn({ err }, 'queue events error'));
    events.on('progress', ({ jobId, data }) => {
      const progress = typeof data === 'number' ? data : Number(data);
      this.emit({ jobId, kind: 'progress', progress: Number.isFinite(progress) ? progress : 0 });
    });
    events.on('active', ({ jobId }) => this.emit({ jobId, kind: 'active' }));
    events.on('completed', ({ jobId }) => this.emit({ jobId, kind: 'completed' }));
    events.on('failed', ({ jobId }) => this.emit({ jobId, kind: 'failed' }));
    this.events = events;
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
    if (events) await events.close();
  }
}
