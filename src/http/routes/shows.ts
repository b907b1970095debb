import { Router, type RequestHandler } from 'express';
import { audioSettingsSchema, createShowSchema, slugSchema } from '../../core/schemas.js';
import type { ListingsRepository } from '../../db/repositories/listings.repo.js';
import type { ShowService } from '../../services/shows.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { showJson } from '../representations.js';

export function showsRouter(deps: {
  shows: ShowService;
  listings: ListingsRepository;
  publicUrl: string;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();

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
          feed: `${deps.publicUrl}/feeds/${s.slug}.xml`,
        },
      })),
    });
  });

  router.post('/api/shows', deps.requireEditor, async (req, res) => {
    const input = parseOr400(createShowSchema, req.body);
    const show = await deps.shows.create(input);
    res.status(201).location(`/api/shows/${show.slug}`).json(showJson(show, deps.publicUrl));
  });

  router.get('/api/shows/:slug', deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    res.json(showJson(await deps.shows.getBySlug(slug), deps.publicUrl));
  });

  router.put('/api/shows/:slug/audio', deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const input = parseOr400(audioSettingsSchema.strict(), req.body);
    res.json(showJson(await deps.shows.setAudio(slug, input), deps.publicUrl));
  });

  return router;
}
