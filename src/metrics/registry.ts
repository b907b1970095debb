/**
 * What this process did, for Prometheus: HTTP requests, jobs, encodes, feed
 * builds and storage errors. One registry per process (each API and worker
 * process is its own scrape target); the hooks below are all other code calls.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'antenne_' });

const httpDuration = new Histogram({
  name: 'antenne_http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processRegistry],
});

const jobDuration = new Histogram({
  name: 'antenne_job_duration_seconds',
  help: 'Time a job ran in a worker, by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
  // From a publication (under a second) to a long programme's encode (an hour).
  buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
  registers: [processRegistry],
});

const ffmpegRealtime = new Histogram({
  name: 'antenne_ffmpeg_realtime_factor',
  help: 'Seconds of audio processed per second of wall time, whole pipeline of one recording',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers: [processRegistry],
});

const feedBuild = new Histogram({
  name: 'antenne_feed_build_duration_seconds',
  help: "Time to render, compress and store one show's feeds",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processRegistry],
});

const storageErrors = new Counter({
  name: 'antenne_storage_errors_total',
  help: 'Storage operations that failed, by operation',
  labelNames: ['op'] as const,
  registers: [processRegistry],
});

export type JobOutcome = 'completed' | 'failed';

export function recordHttp(method: string, route: string, status: number, seconds: number): void {
  httpDuration.observe({ method, route, status: String(status) }, seconds);
}

export function recordJob(queue: string, outcome: JobOutcome, seconds: number): void {
  jobDuration.observe({ queue, outcome }, seconds);
}

export function recordFfmpeg(realtimeFactor: number): void {
  if (Number.isFinite(realtimeFactor) && realtimeFactor > 0) ffmpegRealtime.observe(realtimeFactor);
}

export function recordFeedBuild(seconds: number): void {
  feedBuild.observe(seconds);
}

export function recordStorageError(op: string): void {
  storageErrors.inc({ op });
}
