/**
 * The studio's API additions: article prefill, show and episode lists, and live
 * processing progress (server-sent events). CMS clients may use them too.
 */
import { Router, type RequestHandler } from 'express';
import { slugSchema, recordIdSchema } from '../src/core/schemas.js';
import { publicUrls } from '../src/core/urls.js';
import type { ListingsRepository } from '../src/db/repositories/listings.repo.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import { parseOr400, pathParam } from '../src/http/middleware/validate.js';
import { episodeJson } from '../src/http/representations.js';
import type { EpisodeService } from '../src/services/episodes.js';
import { extractArticle } from './prefill/extract.js';
import type { FetchLimits } from '../src/net/safe-fetch.js';
import { fetchArticlePage, type FetchPolicy } from './prefill/fetch-page.js';
import type { ProgressHub } from './progress-hub.js';
import { encodeEpisodeCursor, episodePageQuerySchema, prefillRequestSchema } from './schemas.js';
import type { MediaUrls } from '../src/http/media-urls.js';

const episodeId = recordIdSchema('is not an episode id');
/** States in which nothing more will happen without an editor. */
const SETTLED = new Set(['ready', 'failed', 'published', 'scheduled', 'unpublished']);

export function studioApiRouter(deps: {
  requireEditor: RequestHandler;
  prefill: FetchPolicy;
  /** The prefill's deadline, size cap and redirects (default PREFILL_LIMITS). */
  prefillLimits?: FetchLimits;
  listings: ListingsRepository;
  episodesRepo: EpisodesRepository;
  episodes: EpisodeService;
  progress: ProgressHub;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  /** How often the event stream re-reads the episode row (state changes, fallback). */
  pollMs?: number;
}): Router {
  const router = Router();

  router.post('/api/prefill', deps.requireEditor, async (req, res) => {
    const { url } = parseOr400(prefillRequestSchema, req.body);
    const page = await fetchArticlePage(url, deps.prefill, deps.prefillLimits);
    res.set('Cache-Control', 'no-store').json(extractArticle(page.html, page.url));
  });

  router.get('/api/shows', deps.requireEditor, async (_req, res) => {
    const shows = await deps.listings.shows();
    res.set('Cache-Control', 'no-store').json({
      shows: shows.map((s) => ({
        slug: s.slug,
        title: s.title,
        imageUrl: s.imageUrl,
        language: s.language,
        episodes: s.episodes,
        links: {
          self: `${deps.publicUrl}/api/shows/${s.slug}`,
          feed: publicUrls(deps.publicUrl).feed(s.slug),
        },
      })),
    });
  });

  // Newest article first, a page at a time: `next` is the cursor of the following page.
  router.get('/api/shows/:slug/episodes', deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const { limit, cursor } = parseOr400(episodePageQuerySchema, req.query, 'query');
    const page = await deps.episodes.pageOfShow(slug, { limit: limit + 1, after: cursor });
    const shown = page.episodes.slice(0, limit);
    const last = shown.at(-1);
    const next =
      page.episodes.length > limit && last
        ? encodeEpisodeCursor({ publishedAt: last.article.publishedAt, id: last.id })
        : null;
    res.set('Cache-Control', 'no-store').json({
      episodes: shown.map((e) =>
        episodeJson(e, page.show, page.renditions.get(e.id) ?? [], deps.mediaUrls),
      ),
      next,
      links: {
        next: next
          ? `${deps.publicUrl}/api/shows/${slug}/episodes?${new URLSearchParams({ limit: String(limit), cursor: next }).toString()}`
          : null,
      },
    });
  });

  // Server-sent events: `progress` from the job queue as it happens, `state` from the
  // database (every pollMs and after each job event). Ends once the episode settles.
  router.get('/api/episodes/:id/events', deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeId);
    await deps.episodes.get(id); // 404 before the stream starts
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

    let last = '';
    let closed = false;
    const refresh = async () => {
      if (closed) return;
      const episode = await deps.episodesRepo.findById(id);
      if (!episode || closed) return;
      const key = `${episode.state}:${episode.progress}`;
      if (key !== last) {
        last = key;
        send('state', {
          state: episode.state,
          progress: episode.progress,
          failureReason: episode.failureReason,
        });
      }
      if (SETTLED.has(episode.state)) stop();
    };
    const prefix = `process-audio-${id}-r`;
    const unsubscribe = deps.progress.subscribe((event) => {
      if (!event.jobId.startsWith(prefix)) return;
      if (event.kind === 'progress') send('progress', { progress: event.progress });
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
