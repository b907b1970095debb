import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { createClipSchema, playerSettingsSchema } from '../../core/clips.js';
import { episodeIdSchema, slugSchema, recordIdSchema } from '../../core/schemas.js';
import type { ClipService } from '../../services/clips.js';
import type { MediaUrls } from '../media-urls.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import { clipJson, clipSchema } from '../representations/clips.js';

const clipId = recordIdSchema('is not a clip id');

export const CLIP_OPERATIONS = {
  create: defineOperation({
    method: 'post',
    path: '/api/episodes/:id/clips',
    tag: 'Clips',
    summary: 'Cut a clip (soundbite) from an episode',
    access: 'editor',
    body: { schema: createClipSchema },
    responses: { 202: { description: 'Accepted, cutting queued', schema: clipSchema } },
    errors: [404, 409],
  }),
  list: defineOperation({
    method: 'get',
    path: '/api/episodes/:id/clips',
    tag: 'Clips',
    summary: 'An episode’s clips',
    access: 'editor',
    responses: { 200: { description: 'Clips', schema: z.array(clipSchema) } },
    errors: [404],
  }),
  get: defineOperation({
    method: 'get',
    path: '/api/clips/:id',
    tag: 'Clips',
    summary: 'A clip',
    access: 'editor',
    responses: { 200: { description: 'The clip', schema: clipSchema } },
    errors: [404],
  }),
  setPlayer: defineOperation({
    method: 'put',
    path: '/api/shows/:slug/player',
    tag: 'Shows',
    summary: 'Set the show’s player options',
    access: 'editor',
    body: { schema: playerSettingsSchema },
    responses: { 200: { description: 'The settings', schema: playerSettingsSchema } },
    errors: [404],
  }),
};

/** Editor API for clips (soundbites) and the per-show player settings. */
export function clipsRouter(deps: {
  clips: ClipService;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();
  const ops = CLIP_OPERATIONS;

  route(router, ops.create, deps.requireEditor, async (req, res) => {
    const episodeId = pathParam(req, 'id', episodeIdSchema);
    const input = parseOr400(createClipSchema, req.body);
    const { clip } = await deps.clips.create(episodeId, input);
    const body = clipJson(clip, deps.mediaUrls);
    res.location(body.links.self);
    reply(res, ops.create, 202, body);
  });

  route(router, ops.list, deps.requireEditor, async (req, res) => {
    const episodeId = pathParam(req, 'id', episodeIdSchema);
    const clips = await deps.clips.listForEpisode(episodeId);
    res.set('Cache-Control', 'no-store');
    reply(
      res,
      ops.list,
      200,
      clips.map((c) => clipJson(c, deps.mediaUrls)),
    );
  });

  route(router, ops.get, deps.requireEditor, async (req, res) => {
    const clip = await deps.clips.get(pathParam(req, 'id', clipId));
    res.set('Cache-Control', 'no-store');
    reply(res, ops.get, 200, clipJson(clip, deps.mediaUrls));
  });

  route(router, ops.setPlayer, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const { settings } = await deps.clips.setPlayerSettings(
      slug,
      parseOr400(playerSettingsSchema, req.body),
    );
    reply(res, ops.setPlayer, 200, settings);
  });

  return router;
}
