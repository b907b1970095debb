/**
 * Queue depth and the age of the oldest waiting job, per queue, read from
 * BullMQ when Prometheus scrapes (every process sees the same Redis, so every
 * target reports the same figures: aggregate them with max, not sum).
 */
import type { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';
import type { Logger } from '../core/logger.js';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

export function queueRegistry(queues: readonly Queue[], logger: Logger): Registry {
  const registry = new Registry();
  // Both gauges are filled by one read of Redis per scrape, shared by their collect().
  let reading: Promise<void> | null = null;
  const read = () => (reading ??= readQueues().finally(() => (reading = null)));

  const depth = new Gauge({
    name: 'antenne_queue_jobs',
    help: 'Jobs in each queue by state (delayed: scheduled publications and retries in backoff)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect: read,
  });
  const oldest = new Gauge({
    name: 'antenne_queue_oldest_waiting_job_age_seconds',
    help: 'Age of the oldest job waiting for a worker (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect: read,
  });

  async function readQueues(): Promise<void> {
    depth.reset();
    oldest.reset();
    await Promise.all(
      queues.map(async (queue) => {
        try {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES) depth.set({ queue: queue.name, state }, counts[state] ?? 0);
          // asc=true reads each list oldest first: one job per state is enough.
          const firsts = await queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
          const since = Math.min(...firsts.map((job) => job.timestamp));
          oldest.set(
            { queue: queue.name },
            Number.isFinite(since) ? Math.max(0, (Date.now() - since) / 1000) : 0,
          );
        } catch (error) {
          // Redis down: no figure rather than a stale one (the health check says why).
          logger.warn({ err: error, queue: queue.name }, 'queue metrics unavailable');
        }
      }),
    );
  }
  return registry;
}
