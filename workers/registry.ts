import type { Job } from 'bullmq';
import type { JobName } from '../src/core/jobs.js';
import { makeProcessAudio, type ProcessAudioDeps } from './handlers/process-audio.js';
import { makePublishEpisode, type PublishEpisodeDeps } from './handlers/publish-episode.js';

export type Handler = (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;

export type HandlerDeps = ProcessAudioDeps & PublishEpisodeDeps;

/** Every job name has exactly one handler: the compiler checks the map is complete. */
export function buildHandlers(deps: HandlerDeps): { readonly [N in JobName]: Handler } {
  return {
    'process-audio': makeProcessAudio(deps),
    'publish-episode': makePublishEpisode(deps),
  };
}
