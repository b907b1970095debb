/** Job durations by queue and outcome, from BullMQ's own timestamps. */
import type { Job, Worker } from 'bullmq';
import { recordJob, type JobOutcome } from './registry.js';

export function observeWorker(worker: Worker): void {
  const record = (job: Job | undefined, outcome: JobOutcome) => {
    // A failed attempt that will be retried has no finishedOn yet: it ended now.
    if (!job?.processedOn) return;
    const ended = job.finishedOn ?? Date.now();
    recordJob(worker.name, outcome, Math.max(0, ended - job.processedOn) / 1000);
  };
  worker.on('completed', (job) => record(job, 'completed'));
  worker.on('failed', (job) => record(job, 'failed'));
}
