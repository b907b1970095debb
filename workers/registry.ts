import type { Job } from 'bullmq';
import type { JobName } from '../src/core/jobs.js';
import { makeMakeClip, type MakeClipDeps } from './handlers/make-clip.js';
import { makeProcessAudio, type ProcessAudioDeps } from './handlers/process-audio.js';
import { makePublishEpisode, type PublishEpisodeDeps } from './handlers/publish-episode.js';

export type Handler = (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;

export type HandlerDeps = ProcessAudioDeps & MakeClipDeps & PublishEpisodeDeps;

/** Every job name has exactly one handler: the compiler checks the map is complete. */
export function buildHandlers(deps: HandlerDeps): { readonly [N in JobName]: Handler } {
  return {
    'process-audio': makeProcessAudio(deps),
    'make-clip': makeMakeClip(deps),
    'publish-episode': makePublishEpisode(deps),
  };
}
