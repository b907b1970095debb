/**
 * What every media job (process-audio, make-clip) does around its own work:
 * work on a local copy of the stored audio in a scratch directory, tell a
 * worker shutdown from a failure, and record a failure on the job's record in
 * words for editors (`settle`). Handlers import it as a namespace:
 * `mediaJob.settle(...)`.
 */
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { BadMediaError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import { FfmpegError } from '../src/media/ffmpeg.js';
import type { BlobStorage } from '../src/storage/blob-storage.js';
import { withTempDir } from '../src/storage/temp.js';

/** The reason the runtime aborts a job when it shuts down: the job is handed back, not failed. */
export const SHUTDOWN_REASON = 'worker-shutdown';

/**
 * A BullMQ processor for a media job, its payload checked by the runtime.
 * `token` and `signal` are what hand a job back on shutdown; it resolves to
 * what became of the record (the job's return value).
 */
export type Processor<P> = (
  job: Job<P>,
  token?: string,
  signal?: AbortSignal,
) => Promise<{ state: string }>;

/** The job's logger: every line names the record, the job and its queue. */
export function jobLogger(logger: Logger, job: Job, record: Record<string, string>): Logger {
  return logger.child({ ...record, jobId: job.id, queue: job.queueName });
}

/** The job cannot succeed, whatever the number of attempts: its message is for editors. */
export class JobRefusal extends Error {}

export interface Settlement {
  readonly job: Job;
  readonly token: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly log: Logger;
  /** "job", "clip job": what the logs call it. */
  readonly what: string;
  /** Marks the record failed with a reason for editors. */
  readonly fail: (reason: string) => Promise<unknown>;
  /** The reason when it fails for a cause that is not the input's (after the last attempt). */
  readonly failedBecause: (summary: string) => string;
}

/**
 * Runs a media job's work and settles its failures: a shutdown hands the job
 * back; bad input or a refusal fails the record at once (not retried); other
 * errors are retried, and the last attempt fails the record.
 */
export async function settle<T>(s: Settlement, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await handBackIfShuttingDown(s.job, s.token, s.signal, s.log, s.what);
    const refusal =
      error instanceof BadMediaError
        ? error.reason
        : error instanceof JobRefusal
          ? error.message
          : null;
    if (refusal !== null) {
      await s.fail(refusal);
      s.log.warn({ reason: refusal, err: error }, `${s.what} failed: refused`);
      throw new UnrecoverableError(refusal);
    }
    const finalAttempt = isFinalAttempt(s.job) || error instanceof UnrecoverableError;
    if (finalAttempt) await s.fail(s.failedBecause(failureSummary(error)));
    s.log.error({ err: error, finalAttempt }, `${s.what} attempt failed`);
    throw error;
  }
}

/**
 * Runs `fn` with the stored `key` as a local file and a fresh scratch
 * directory under `jobsTmpDir`; both are cleaned up whatever happens.
 */
export function withStoredFileInTempDir<T>(
  deps: { readonly storage: BlobStorage; readonly jobsTmpDir: string },
  tempDirPrefix: string,
  key: string,
  fn: (localPath: string, dir: string) => Promise<T>,
): Promise<T> {
  return withTempDir(deps.jobsTmpDir, tempDirPrefix, (dir) =>
    deps.storage.withLocalCopy(key, (localPath) => fn(localPath, dir)),
  );
}

/**
 * First thing in a media job's catch: when the runtime aborted the job because
 * the worker is shutting down, the error is not the job's fault. The job goes
 * back to the queue untouched (another worker, or this one after a restart,
 * takes it) and this throws WaitingError; otherwise it returns.
 */
export async function handBackIfShuttingDown(
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
  log: Logger,
  what: string,
): Promise<void> {
  if (signal?.aborted && signal.reason === SHUTDOWN_REASON && token) {
    log.warn(`worker shutting down: ${what} handed back to the queue`);
    await job.moveToWait(token);
    throw new WaitingError();
  }
}

/** Whether a failure now is the last: BullMQ will not retry the job. */
export function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * What an editor reads when a job fails for a cause that is not the file's.
 * Never the error's own message: ffmpeg's, ffprobe's and the file system's
 * name server paths. The error itself goes to the log; our own unrecoverable
 * errors (bad payload, unknown profile) are sentences written for editors.
 */
export function failureSummary(error: unknown): string {
  if (error instanceof UnrecoverableError) return error.message;
  if (error instanceof FfmpegError && error.reason === 'timeout') {
    return 'ffmpeg took longer than the time allowed and was stopped. Try again later, or ask an administrator to raise FFMPEG_TIMEOUT_SECONDS.';
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC') return "the server's disk is full. Ask an administrator.";
  return "an error on the server (the details are in the worker's log). Try again later, or ask an administrator.";
}
