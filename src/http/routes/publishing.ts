import express, { Router, type RequestHandler } from 'express';
import { chaptersBeyondAudio, chaptersSchema } from '../../core/chapters.js';
import { AppError, validationFailed } from '../../core/errors.js';
import {
  episodePatchSchema,
  publishSchema,
  sentKeysOnly,
  showPatchSchema,
  topicFeedSchema,
} from '../../core/feed-schemas.js';
import { slugSchema, recordIdSchema } from '../../core/schemas.js';
import type { EpisodeService } from '../../services/episodes.js';
import { publicUrls } from '../../core/urls.js';
import type { PublishingService } from '../../services/publishing.js';
import { allowSlowBody } from '../body-timeouts.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { episodeJson, showJson } from '../representations.js';
import type { MediaUrls } from '../media-urls.js';

const episodeId = recordIdSchema('is not an episode id');

const TRANSCRIPT_TYPES = ['text/vtt', 'application/srt', 'application/x-subrip', 'text/plain'];
const IMAGE_TYPES = ['image/jpeg', 'image/png'];

/**
 * A raw body of one of `types`, else 415 saying what to send. The caller is an
 * editor by now: the body may take its time while bytes keep coming (an idle
 * timeout instead of the body deadline, src/http/body-timeouts.ts).
 */
function rawBody(types: string[], limit: string, what: string): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (!req.is(types)) {
        return next(
          new AppError(
            415,
            'unsupported-media-type',
            `Send the ${what} as the request body`,
            `Use Content-Type ${types.join(' or ')}.`,
          ),
        );
      }
      allowSlowBody(req);
      next();
    },
    express.raw({ type: types, limit }),
  ];
}

/** Editor routes of issue 4: publish/schedule/unpublish, edits, transcript, chapters, artwork, topic feeds. */
export function publishingRouter(deps: {
  publishing: PublishingService;
  episodes: EpisodeService;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();
  const { publishing, publicUrl } = deps;
  const editor = deps.requireEditor;

  const episodeBody = async (id: string) => {
    const { episode, show, renditions } = await deps.episodes.get(id);
    return episodeJson(episode, show, renditions, deps.mediaUrls);
  };

  router.post('/api/episodes/:id/publish', editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeId);
    const { at } = parseOr400(publishSchema, req.body);
    await publishing.publish(id, at);
    res.json(await episodeBody(id));
  });

  router.post('/api/episodes/:id/unpublish', editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeId);
    await publishing.unpublish(id);
    res.json(await episodeBody(id));
  });

  router.patch('/api/episodes/:id', editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeId);
    const patch = sentKeysOnly(parseOr400(episodePatchSchema, req.body), req.body);
    await publishing.patch(id, patch);
    res.json(await episodeBody(id));
  });

  router.put(
    '/api/episodes/:id/transcript',
    editor,
    ...rawBody(TRANSCRIPT_TYPES, '10mb', 'WebVTT or SRT transcript'),
    async (req, res) => {
      const id = pathParam(req, 'id', episodeId);
      await publishing.setTranscript(id, req.body as Buffer);
      res.json(await episodeBody(id));
    },
  );

  router.put('/api/episodes/:id/chapters', editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeId);
    const chapters = parseOr400(chaptersSchema, req.body);
    const { episode } = await deps.episodes.get(id);
    const beyond = chaptersBeyondAudio(chapters, episode.durationSeconds);
    if (beyond.length) throw validationFailed(beyond);
    await publishing.setChapters(id, chapters);
    res.json(await episodeBody(id));
  });

  router.patch('/api/shows/:slug', editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const patch = sentKeysOnly(parseOr400(showPatchSchema, req.body), req.body);
    res.json(showJson(await publishing.patchShow(slug, patch), publicUrl));
  });

  router.put(
    '/api/shows/:slug/artwork',
    editor,
    ...rawBody(IMAGE_TYPES, '20mb', 'artwork (JPEG or PNG)'),
    async (req, res) => {
      const slug = pathParam(req, 'slug', slugSchema);
      res.json(showJson(await publishing.setArtwork(slug, req.body as Buffer), publicUrl));
    },
  );

  const topicJson = (
    showSlug: string,
    t: {
      slug: string;
      title: string;
      category: string;
      description: string | null;
      podcastGuid: string;
    },
  ) => ({
    slug: t.slug,
    title: t.title,
    category: t.category,
    description: t.description,
    podcastGuid: t.podcastGuid,
    feedUrl: publicUrls(publicUrl).feed(showSlug, t.slug),
  });

  router.get('/api/shows/:slug/topics', editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const { topics } = await publishing.listTopics(slug);
    res.json({ topics: topics.map((t) => topicJson(slug, t)) });
  });

  router.post('/api/shows/:slug/topics', editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const topic = await publishing.createTopic(slug, parseOr400(topicFeedSchema, req.body));
    const body = topicJson(slug, topic);
    res.status(201).location(body.feedUrl).json(body);
  });

  router.delete('/api/shows/:slug/topics/:topic', editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    await publishing.deleteTopic(slug, pathParam(req, 'topic', slugSchema));
    res.status(204).end();
  });

  return router;
}
