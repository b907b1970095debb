import { Router, type RequestHandler } from 'express';
import { createClipSchema, playerSettingsSchema, type Clip } from '../../core/clips.js';
import { slugSchema, recordIdSchema } from '../../core/schemas.js';
import { publicUrls } from '../../core/urls.js';
import type { ClipService } from '../../services/clips.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import type { MediaUrls } from '../media-urls.js';

const id = (what: string) => recordIdSchema(`is not ${what} id`);

/** A clip for editors: its files through signed URLs (the clip's embed is its public face). */
export function clipJson(clip: Clip, urls: MediaUrls) {
  const { publicUrl } = urls;
  return {
    id: clip.id,
    episodeId: clip.episodeId,
    title: clip.title,
    start: clip.startSeconds,
    end: clip.endSeconds,
    state: clip.state,
    failureReason: clip.failureReason,
    durationSeconds: clip.durationSeconds,
    audioUrl: clip.storageKey ? urls.signed(clip.storageKey) : null,
    bytes: clip.bytes,
    peaksUrl: clip.peaksKey ? urls.signed(clip.peaksKey) : null,
    links: {
      self: `${publicUrl}/api/clips/${clip.id}`,
      embed: publicUrls(publicUrl).embedClip(clip.id),
      episode: publicUrls(publicUrl).apiEpisode(clip.episodeId),
    },
    createdAt: clip.createdAt.toISOString(),
    updatedAt: clip.updatedAt.toISOString(),
  };
}

/** Editor API for clips (soundbites) and the per-show player settings. */
export function clipsRouter(deps: {
  clips: ClipService;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();

  router.post('/api/episodes/:id/clips', deps.requireEditor, async (req, res) => {
    const episodeId = pathParam(req, 'id', id('an episode'));
    const input = parseOr400(createClipSchema, req.body);
    const { clip } = await deps.clips.create(episodeId, input);
    const body = clipJson(clip, deps.mediaUrls);
    res.status(202).location(body.links.self).json(body);
  });

  router.get('/api/episodes/:id/clips', deps.requireEditor, async (req, res) => {
    const episodeId = pathParam(req, 'id', id('an episode'));
    const clips = await deps.clips.listForEpisode(episodeId);
    res.set('Cache-Control', 'no-store').json(clips.map((c) => clipJson(c, deps.mediaUrls)));
  });

  router.get('/api/clips/:id', deps.requireEditor, async (req, res) => {
    const clip = await deps.clips.get(pathParam(req, 'id', id('a clip')));
    res.set('Cache-Control', 'no-store').json(clipJson(clip, deps.mediaUrls));
  });

  router.put('/api/shows/:slug/player', deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const { settings } = await deps.clips.setPlayerSettings(
      slug,
      parseOr400(playerSettingsSchema, req.body),
    );
    res.json(settings);
  });

  return router;
}
