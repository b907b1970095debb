import { Router, type RequestHandler } from 'express';
import {
  episodeMetadataSchema,
  reprocessSchema,
  slugSchema,
  recordIdSchema,
} from '../../core/schemas.js';
import type { EpisodeService } from '../../services/episodes.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { episodeJson } from '../representations.js';
import { encodeEpisodeCursor, episodePageQuerySchema } from '../episode-cursor.js';
import type { MediaUrls } from '../media-urls.js';

const episodeId = recordIdSchema('is not an episode id');

export function episodesRouter(deps: {
  episodes: EpisodeService;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  requireEditor: RequestHandler;
  upload: RequestHandler;
}): Router {
  const router = Router();

  // Auth runs before the upload is read: an anonymous client never streams a file to our disk.
  const showMustExist: RequestHandler = async (req, _res, next) => {
    await deps.episodes.requireShow(pathParam(req, 'slug', slugSchema));
    next();
  };

  router.post(
    '/api/shows/:slug/episodes',
    deps.requireEditor,
    showMustExist,
    deps.upload,
    async (req, res) => {
      const slug = pathParam(req, 'slug', slugSchema);
      const metadata = parseOr400(episodeMetadataSchema, req.body);
      const file = req.file!;
      const episode = await deps.episodes.createFromUpload(slug, metadata, {
        path: file.path,
        originalName: file.originalname,
        bytes: file.size,
      });
      const { show, renditions } = await deps.episodes.get(episode.id);
      const body = episodeJson(episode, show, renditions, deps.mediaUrls);
      res
        .status(202)
        .location(body.links.self)
        .json({ ...body, statusUrl: body.links.self });
    },
  );

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

  router.get('/api/episodes/:id', deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeId);
    const { episode, show, renditions } = await deps.episodes.get(id);
    res
      .set('Cache-Control', 'no-store')
      .json(episodeJson(episode, show, renditions, deps.mediaUrls));
  });

  router.post('/api/episodes/:id/reprocess', deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeId);
    const input = parseOr400(reprocessSchema, req.body);
    const episode = await deps.episodes.reprocess(id, input);
    const { show, renditions } = await deps.episodes.get(episode.id);
    const body = episodeJson(episode, show, renditions, deps.mediaUrls);
    res.status(202).location(body.links.self).json(body);
  });

  return router;
}
