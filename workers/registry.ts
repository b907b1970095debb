import { UnrecoverableError, type Job } from 'bullmq';
import { JOB_PAYLOADS, type JobName, type PayloadOf } from '../src/core/jobs.js';
import {
  makeAggregateAudience,
  type AggregateAudienceDeps,
} from './handlers/aggregate-audience.js';
import { makeCorrectAudio, type CorrectAudioDeps } from './handlers/correct-audio.js';
import { makeMakeClip, type MakeClipDeps } from './handlers/make-clip.js';
import { makeProcessAudio, type ProcessAudioDeps } from './handlers/process-audio.js';
import { makePublishEpisode, type PublishEpisodeDeps } from './handlers/publish-episode.js';
import { makeSweepUploads, type SweepUploadsDeps } from './handlers/sweep-uploads.js';
import { makeWebSubPing, type WebSubPingDeps } from './handlers/websub-ping.js';

/** A job's handler, given the job once its payload is checked. */
export type Handler<P> = (job: Job<P>, token?: string, signal?: AbortSignal) => Promise<unknown>;

/** Every job name has exactly one handler, typed by its payload: the compiler checks the map. */
export type Handlers = { readonly [N in JobName]: Handler<PayloadOf<N>> };

export type HandlerDeps = ProcessAudioDeps &
  MakeClipDeps &
  CorrectAudioDeps &
  PublishEpisodeDeps &
  SweepUploadsDeps &
  AggregateAudienceDeps &
  WebSubPingDeps;

export function buildHandlers(deps: HandlerDeps): Handlers {
  return {
    'process-audio': makeProcessAudio(deps),
    'make-clip': makeMakeClip(deps),
    'correct-audio': makeCorrectAudio(deps),
    'publish-episode': makePublishEpisode(deps),
    'sweep-uploads': makeSweepUploads(deps),
    'aggregate-audience': makeAggregateAudience(deps),
    'websub-ping': makeWebSubPing(deps),
  };
}

const isJobName = (name: string): name is JobName => Object.hasOwn(JOB_PAYLOADS, name);

/**
 * Runs the job's handler after checking its payload. An unknown job or a
 * malformed payload would fail every attempt: it is not retried.
 */
export function dispatch(
  handlers: Handlers,
  job: Job,
  token?: string,
  signal?: AbortSignal,
): Promise<unknown> {
  if (!isJobName(job.name)) throw new UnrecoverableError(`No handler for job "${job.name}"`);
  return run(handlers, job.name, job, token, signal);
}

function run<N extends JobName>(
  handlers: Handlers,
  name: N,
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const parsed = JOB_PAYLOADS[name].safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Invalid job payload: ${parsed.error.message}`);
  const handler = handlers[name] as Handler<PayloadOf<N>>;
  // The data was just checked against the schema of the job's name.
  return handler(job as Job<PayloadOf<N>>, token, signal);
}
