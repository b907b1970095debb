import { Router, type RequestHandler, type Response } from 'express';
import {
  episodeFromUploadSchema,
  episodeMetadataSchema,
  reprocessSchema,
  slugSchema,
  episodeIdSchema,
} from '../../core/schemas.js';
import type { Episode } from '../../core/domain.js';
import type { EpisodeService } from '../../services/episodes.js';
import type { UploadService } from '../../services/uploads.js';
import { principalOf } from '../middleware/auth.js';
import { uploadOwnerOf } from './uploads.js';
import { encodeEpisodeCursor, episodePageQuerySchema } from '../episode-cursor.js';
import type { MediaUrls } from '../media-urls.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import {
  acceptedEpisodeSchema,
  episodeJson,
  episodePageSchema,
  episodeSchema,
} from '../representations/episodes.js';
import type { QualityService } from '../../services/quality.js';

export const EPISODE_OPERATIONS = {
  list: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/episodes',
    tag: 'Episodes',
    summary: 'List a show’s episodes in every state, a page at a time',
    description:
      'Newest article first. `next` is the cursor of the following page (null on the last); pass it back as `cursor` with the same `limit`. File URLs of unpublished episodes are signed and expire after an hour or so.',
    access: 'editor',
    query: episodePageQuerySchema,
    responses: { 200: { description: 'One page of episodes', schema: episodePageSchema } },
    errors: [404],
  }),
  upload: defineOperation({
    method: 'post',
    path: '/api/shows/:slug/episodes',
    tag: 'Episodes',
    summary: 'Upload an interview with its article’s metadata',
    description:
      'Either multipart/form-data: the metadata fields and the audio file in `audio`; or JSON: the metadata and `upload`, the id of a finished resumable upload (`POST /api/uploads`, tus), which can be used once (409 after; 409 too while it is unfinished). Both go through the same checks, storage and queue. Processing is queued; follow `statusUrl` or the events stream.',
    access: 'editor',
    body: { schema: episodeMetadataSchema, multipart: true, json: episodeFromUploadSchema },
    responses: {
      202: { description: 'Accepted, processing queued', schema: acceptedEpisodeSchema },
    },
    errors: [404, 408, 409, 413, 415, 503],
  }),
  get: defineOperation({
    method: 'get',
    path: '/api/episodes/:id',
    tag: 'Episodes',
    summary: 'An episode, with its state, progress and renditions',
    access: 'editor',
    responses: { 200: { description: 'The episode', schema: episodeSchema } },
    errors: [404],
  }),
  reprocess: defineOperation({
    method: 'post',
    path: '/api/episodes/:id/reprocess',
    tag: 'Episodes',
    summary: 'Process the original again (new settings or chapters); the guid is kept',
    access: 'editor',
    body: { schema: reprocessSchema },
    responses: { 202: { description: 'Accepted, processing queued', schema: episodeSchema } },
    errors: [404, 409, 503],
  }),
};

export function episodesRouter(deps: {
  episodes: EpisodeService;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  requireEditor: RequestHandler;
  upload: RequestHandler;
  /** Episodes from finished resumable uploads (JSON bodies). */
  uploads: UploadService;
  quality: Pick<QualityService, 'report'>;
}): Router {
  const router = Router();
  const ops = EPISODE_OPERATIONS;

  // Newest article first, a page at a time: `next` is the cursor of the following page.
  route(router, ops.list, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const { limit, cursor } = parseOr400(episodePageQuerySchema, req.query, 'query');
    // One read for the episodes and one for all their renditions.
    const page = await deps.episodes.pageOfShow(slug, { limit: limit + 1, after: cursor });
    const shown = page.episodes.slice(0, limit);
    const last = shown.at(-1);
    const next =
      page.episodes.length > limit && last
        ? encodeEpisodeCursor({ publishedAt: last.article.publishedAt, id: last.id })
        : null;
    const nextQuery = next && new URLSearchParams({ limit: String(limit), cursor: next });
    res.set('Cache-Control', 'no-store');
    reply(res, ops.list, 200, {
      episodes: shown.map((e) =>
        episodeJson(e, page.show, page.renditions.get(e.id) ?? [], deps.mediaUrls),
      ),
      next,
      links: {
        next: nextQuery
          ? `${deps.publicUrl}/api/shows/${slug}/episodes?${nextQuery.toString()}`
          : null,
      },
    });
  });

  // Auth runs before the upload is read: an anonymous client never streams a file to our disk.
  const showMustExist: RequestHandler = async (req, _res, next) => {
    await deps.episodes.requireShow(pathParam(req, 'slug', slugSchema));
    next();
  };

  const accepted = async (res: Response, episode: Episode) => {
    const { show, renditions } = await deps.episodes.get(episode.id);
    const body = episodeJson(episode, show, renditions, deps.mediaUrls);
    res.location(body.links.self);
    reply(res, ops.upload, 202, { ...body, statusUrl: body.links.self });
  };

  // JSON: the file came before, as a resumable upload; multipart goes on to multer.
  const fromResumableUpload: RequestHandler = async (req, res, next) => {
    if (!req.is('application/json')) return next();
    const slug = pathParam(req, 'slug', slugSchema);
    const { upload, ...metadata } = parseOr400(episodeFromUploadSchema, req.body);
    const episode = await deps.uploads.createEpisode(
      slug,
      metadata,
      upload,
      uploadOwnerOf(principalOf(req)!),
    );
    await accepted(res, episode);
  };

  route(
    router,
    ops.upload,
    deps.requireEditor,
    showMustExist,
    fromResumableUpload,
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
      await accepted(res, episode);
    },
  );

  route(router, ops.get, deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const { episode, show, renditions } = await deps.episodes.get(id);
    res.set('Cache-Control', 'no-store');
    const report = await deps.quality.report(episode, show, renditions);
    reply(res, ops.get, 200, episodeJson(episode, show, renditions, deps.mediaUrls, report));
  });

  route(router, ops.reprocess, deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const input = parseOr400(reprocessSchema, req.body);
    const episode = await deps.episodes.reprocess(id, input);
    const { show, renditions } = await deps.episodes.get(episode.id);
    const body = episodeJson(episode, show, renditions, deps.mediaUrls);
    res.location(body.links.self);
    reply(res, ops.reprocess, 202, body);
  });

  return router;
}
