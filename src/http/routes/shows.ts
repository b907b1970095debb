import { Router, type RequestHandler } from 'express';
import { audioSettingsSchema, createShowSchema, slugSchema } from '../../core/schemas.js';
import type { ListingsRepository } from '../../db/repositories/listings.repo.js';
import type { ShowService } from '../../services/shows.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import { showJson, showListSchema, showSchema } from '../representations/shows.js';
import { publicUrls } from '../../core/urls.js';
import { qualitySettingsSchema } from '../../core/quality.js';

export const SHOW_OPERATIONS = {
  list: defineOperation({
    method: 'get',
    path: '/api/shows',
    tag: 'Shows',
    summary: 'List shows',
    access: 'editor',
    responses: { 200: { description: 'Shows with episode counts', schema: showListSchema } },
  }),
  create: defineOperation({
    method: 'post',
    path: '/api/shows',
    tag: 'Shows',
    summary: 'Create a show',
    access: 'editor',
    body: { schema: createShowSchema },
    responses: { 201: { description: 'Created', schema: showSchema } },
    errors: [409],
  }),
  get: defineOperation({
    method: 'get',
    path: '/api/shows/:slug',
    tag: 'Shows',
    summary: 'A show',
    access: 'editor',
    responses: { 200: { description: 'The show', schema: showSchema } },
    errors: [404],
  }),
  setAudio: defineOperation({
    method: 'put',
    path: '/api/shows/:slug/audio',
    tag: 'Shows',
    summary: 'Set the show’s audio settings (loudness target, renditions ladder)',
    access: 'editor',
    body: { schema: audioSettingsSchema.strict() },
    responses: { 200: { description: 'The show', schema: showSchema } },
    errors: [404],
  }),
  setQuality: defineOperation({
    method: 'put',
    path: '/api/shows/:slug/quality',
    tag: 'Shows',
    summary:
      'Set the quality report’s thresholds and severities (what is sent replaces what was set; {} restores the defaults)',
    access: 'editor',
    body: { schema: qualitySettingsSchema },
    responses: { 200: { description: 'The show', schema: showSchema } },
    errors: [404],
  }),
};

export function showsRouter(deps: {
  shows: ShowService;
  listings: ListingsRepository;
  publicUrl: string;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();
  const ops = SHOW_OPERATIONS;

  route(router, ops.list, deps.requireEditor, async (_req, res) => {
    const shows = await deps.listings.shows();
    res.set('Cache-Control', 'no-store');
    reply(res, ops.list, 200, {
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

  route(router, ops.create, deps.requireEditor, async (req, res) => {
    const input = parseOr400(createShowSchema, req.body);
    const show = await deps.shows.create(input);
    res.location(`/api/shows/${show.slug}`);
    reply(res, ops.create, 201, showJson(show, deps.publicUrl));
  });

  route(router, ops.get, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    reply(res, ops.get, 200, showJson(await deps.shows.getBySlug(slug), deps.publicUrl));
  });

  route(router, ops.setAudio, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const input = parseOr400(audioSettingsSchema.strict(), req.body);
    reply(res, ops.setAudio, 200, showJson(await deps.shows.setAudio(slug, input), deps.publicUrl));
  });

  route(router, ops.setQuality, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const input = parseOr400(qualitySettingsSchema, req.body);
    reply(
      res,
      ops.setQuality,
      200,
      showJson(await deps.shows.setQuality(slug, input), deps.publicUrl),
    );
  });

  return router;
}
