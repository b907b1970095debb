import { Router, type RequestHandler } from 'express';
import { jobIdFor } from '../../core/jobs.js';
import { episodeIdSchema } from '../../core/schemas.js';
import type { EpisodesRepository } from '../../db/repositories/episodes.repo.js';
import type { JobEventsHub } from '../../queue/job-events.js';
import type { EpisodeService } from '../../services/episodes.js';
import { pathParam } from '../middleware/validate.js';
import { defineOperation, route } from '../openapi/operation.js';
import {
  episodeProgressEventSchema,
  episodeStateEventSchema,
} from '../representations/episodes.js';

/** States in which nothing more will happen without an editor. */
const SETTLED = new Set(['ready', 'failed', 'published', 'scheduled', 'unpublished']);

export const EPISODE_EVENT_OPERATIONS = {
  events: defineOperation({
    method: 'get',
    path: '/api/episodes/:id/events',
    tag: 'Episodes',
    summary: 'Processing progress as server-sent events',
    description:
      'Events `progress` (EpisodeProgressEvent) from the job queue and `state` (EpisodeStateEvent) from the database; the stream ends when the episode settles.',
    access: 'editor',
    responses: { 200: { description: 'An event stream', mediaType: 'text/event-stream' } },
    errors: [404],
  }),
};

/**
 * `GET /api/episodes/:id/events`, server-sent events: `progress` from the job queue
 * as it happens, `state` from the database (every pollMs and after each job event).
 * Ends once the episode settles.
 */
export function episodeEventsRouter(deps: {
  requireEditor: RequestHandler;
  episodes: EpisodeService;
  episodesRepo: EpisodesRepository;
  jobEvents: JobEventsHub;
  /** How often the stream re-reads the episode row (state changes, fallback). */
  pollMs?: number;
}): Router {
  const router = Router();

  route(router, EPISODE_EVENT_OPERATIONS.events, deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const { episode: first } = await deps.episodes.get(id); // 404 before the stream starts
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (event: string, data: object) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

    // The job of the current processing revision (a reprocess starts a new one).
    let jobId = jobIdFor('process-audio', { episodeId: id }, first.processingRevision);
    let last = '';
    let closed = false;
    const refresh = async () => {
      if (closed) return;
      const episode = await deps.episodesRepo.findById(id);
      if (!episode || closed) return;
      jobId = jobIdFor('process-audio', { episodeId: id }, episode.processingRevision);
      const key = `${episode.state}:${episode.progress}`;
      if (key !== last) {
        last = key;
        send(
          'state',
          episodeStateEventSchema.parse({
            state: episode.state,
            progress: episode.progress,
            failureReason: episode.failureReason,
          }),
        );
      }
      if (SETTLED.has(episode.state)) stop();
    };
    const unsubscribe = deps.jobEvents.subscribe((event) => {
      if (event.jobId !== jobId) return;
      if (event.kind === 'progress')
        send('progress', episodeProgressEventSchema.parse({ progress: event.progress ?? 0 }));
      void refresh().catch(() => undefined);
    });
    const timer = setInterval(() => void refresh().catch(() => undefined), deps.pollMs ?? 1000);
    function stop() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      unsubscribe();
      res.end();
    }
    req.on('close', stop);
    await refresh();
  });

  return router;
}
