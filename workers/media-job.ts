/**
 * What every media job (process-audio, make-clip) does around its own work:
 * check the payload, work on a local copy of the stored audio in a scratch
 * directory, and tell a worker shutdown from a failure. Handlers import it as
 * a namespace: `mediaJob.parsePayload(...)`.
 */
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { ZodType } from 'zod';
import type { Logger } from '../src/core/logger.js';
import { FfmpegError } from '../src/media/ffmpeg.js';
import type { BlobStorage } from '../src/storage/blob-storage.js';
import { withTempDir } from '../src/storage/temp.js';

/** The reason the runtime aborts a job when it shuts down: the job is handed back, not failed. */
export const SHUTDOWN_REASON = 'worker-shutdown';

/**
 * A BullMQ processor for a media job. `token` and `signal` are what hand a job
 * back on shutdown (see handBackIfShuttingDown); it resolves to what became of
 * the record (the job's return value).
 */
export type Processor = (
  job: Job,
  token?: string,
  signal?: AbortSignal,
) => Promise<{ state: string }>;

/** The job's payload; a malformed one would fail every attempt, so it is not retried. */
export function parsePayload<T>(job: Job, schema: ZodType<T>): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Invalid job payload: ${parsed.error.message}`);
  return parsed.data;
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
