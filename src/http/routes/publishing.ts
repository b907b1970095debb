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
import { slugSchema, episodeIdSchema } from '../../core/schemas.js';
import type { EpisodeService } from '../../services/episodes.js';
import { publicUrls } from '../../core/urls.js';
import type { PublishingService } from '../../services/publishing.js';
import { allowSlowBody } from '../body-timeouts.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { episodeJson, episodeSchema } from '../representations/episodes.js';
import {
  showJson,
  showSchema,
  topicJson,
  topicListSchema,
  topicSchema,
} from '../representations/shows.js';
import type { MediaUrls } from '../media-urls.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import type { QualityService } from '../../services/quality.js';
import { principalOf, type Principal } from '../middleware/auth.js';
import type { QualityOverride } from '../../core/quality.js';

/** Who an override is recorded as: the signed-in person, or the API token's name. */
function actorOf(principal: Principal): QualityOverride['by'] {
  return principal.kind === 'session'
    ? { kind: 'user', id: principal.user.id, name: principal.user.name || principal.user.email }
    : { kind: 'token', id: principal.tokenId, name: principal.name };
}

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

const theEpisode = { 200: { description: 'The episode', schema: episodeSchema } };
const theShow = { 200: { description: 'The show', schema: showSchema } };

export const PUBLISHING_OPERATIONS = {
  publish: defineOperation({
    method: 'post',
    path: '/api/episodes/:id/publish',
    tag: 'Publishing',
    summary:
      'Publish an episode now, or schedule it with `at`; 409 with the quality report when it has blocking findings, unless `override.reason` is sent',
    access: 'editor',
    body: { schema: publishSchema },
    responses: theEpisode,
    errors: [404, 409],
  }),
  unpublish: defineOperation({
    method: 'post',
    path: '/api/episodes/:id/unpublish',
    tag: 'Publishing',
    summary: 'Take an episode out of the feeds (or cancel its schedule)',
    access: 'editor',
    responses: theEpisode,
    errors: [404, 409],
  }),
  patchEpisode: defineOperation({
    method: 'patch',
    path: '/api/episodes/:id',
    tag: 'Publishing',
    summary: 'Edit an episode’s metadata (its guid never changes)',
    access: 'editor',
    body: { schema: episodePatchSchema },
    responses: theEpisode,
    errors: [404],
  }),
  setTranscript: defineOperation({
    method: 'put',
    path: '/api/episodes/:id/transcript',
    tag: 'Publishing',
    summary: 'Set the transcript (WebVTT or SRT as the body)',
    access: 'editor',
    body: { raw: TRANSCRIPT_TYPES },
    responses: theEpisode,
    errors: [404, 415],
  }),
  setChapters: defineOperation({
    method: 'put',
    path: '/api/episodes/:id/chapters',
    tag: 'Publishing',
    summary: 'Set the chapters',
    access: 'editor',
    body: { schema: chaptersSchema },
    responses: theEpisode,
    errors: [404],
  }),
  patchShow: defineOperation({
    method: 'patch',
    path: '/api/shows/:slug',
    tag: 'Shows',
    summary: 'Edit a show',
    access: 'editor',
    body: { schema: showPatchSchema },
    responses: theShow,
    errors: [404],
  }),
  setArtwork: defineOperation({
    method: 'put',
    path: '/api/shows/:slug/artwork',
    tag: 'Shows',
    summary: 'Upload the show’s artwork (JPEG or PNG body, square, 1400–3000 px)',
    access: 'editor',
    body: { raw: IMAGE_TYPES },
    responses: theShow,
    errors: [404, 413, 415, 422],
  }),
  listTopics: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/topics',
    tag: 'Shows',
    summary: 'A show’s topic feeds',
    access: 'editor',
    responses: { 200: { description: 'Topic feeds', schema: topicListSchema } },
    errors: [404],
  }),
  createTopic: defineOperation({
    method: 'post',
    path: '/api/shows/:slug/topics',
    tag: 'Shows',
    summary: 'Create a topic feed (episodes of one category)',
    access: 'editor',
    body: { schema: topicFeedSchema },
    responses: { 201: { description: 'Created', schema: topicSchema } },
    errors: [404, 409],
  }),
  deleteTopic: defineOperation({
    method: 'delete',
    path: '/api/shows/:slug/topics/:topic',
    tag: 'Shows',
    summary: 'Delete a topic feed',
    access: 'editor',
    responses: { 204: { description: 'Deleted' } },
    errors: [404],
  }),
};

/** Editor routes: publish/schedule/unpublish, edits, transcript, chapters, artwork, topic feeds. */
export function publishingRouter(deps: {
  publishing: PublishingService;
  episodes: EpisodeService;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  requireEditor: RequestHandler;
  quality: Pick<QualityService, 'report'>;
}): Router {
  const router = Router();
  const { publishing, publicUrl } = deps;
  const editor = deps.requireEditor;
  const ops = PUBLISHING_OPERATIONS;

  const episodeBody = async (id: string) => {
    const { episode, show, renditions } = await deps.episodes.get(id);
    const report = await deps.quality.report(episode, show, renditions);
    return episodeJson(episode, show, renditions, deps.mediaUrls, report);
  };

  route(router, ops.publish, editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const { at, override } = parseOr400(publishSchema, req.body);
    await publishing.publish(id, at, { by: actorOf(principalOf(req)!), override });
    reply(res, ops.publish, 200, await episodeBody(id));
  });

  route(router, ops.unpublish, editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    await publishing.unpublish(id);
    reply(res, ops.unpublish, 200, await episodeBody(id));
  });

  route(router, ops.patchEpisode, editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const patch = sentKeysOnly(parseOr400(episodePatchSchema, req.body), req.body);
    await publishing.patch(id, patch);
    reply(res, ops.patchEpisode, 200, await episodeBody(id));
  });

  route(
    router,
    ops.setTranscript,
    editor,
    ...rawBody(TRANSCRIPT_TYPES, '10mb', 'WebVTT or SRT transcript'),
    async (req, res) => {
      const id = pathParam(req, 'id', episodeIdSchema);
      await publishing.setTranscript(id, req.body as Buffer);
      reply(res, ops.setTranscript, 200, await episodeBody(id));
    },
  );

  route(router, ops.setChapters, editor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const chapters = parseOr400(chaptersSchema, req.body);
    const { episode } = await deps.episodes.get(id);
    const beyond = chaptersBeyondAudio(chapters, episode.durationSeconds);
    if (beyond.length) throw validationFailed(beyond);
    await publishing.setChapters(id, chapters);
    reply(res, ops.setChapters, 200, await episodeBody(id));
  });

  route(router, ops.patchShow, editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const patch = sentKeysOnly(parseOr400(showPatchSchema, req.body), req.body);
    reply(res, ops.patchShow, 200, showJson(await publishing.patchShow(slug, patch), publicUrl));
  });

  route(
    router,
    ops.setArtwork,
    editor,
    ...rawBody(IMAGE_TYPES, '20mb', 'artwork (JPEG or PNG)'),
    async (req, res) => {
      const slug = pathParam(req, 'slug', slugSchema);
      const show = await publishing.setArtwork(slug, req.body as Buffer);
      reply(res, ops.setArtwork, 200, showJson(show, publicUrl));
    },
  );

  const topicBody = (showSlug: string, t: Parameters<typeof topicJson>[0]) =>
    topicJson(t, publicUrls(publicUrl).feed(showSlug, t.slug));

  route(router, ops.listTopics, editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const { topics } = await publishing.listTopics(slug);
    reply(res, ops.listTopics, 200, { topics: topics.map((t) => topicBody(slug, t)) });
  });

  route(router, ops.createTopic, editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const topic = await publishing.createTopic(slug, parseOr400(topicFeedSchema, req.body));
    const body = topicBody(slug, topic);
    res.location(body.feedUrl);
    reply(res, ops.createTopic, 201, body);
  });

  route(router, ops.deleteTopic, editor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    await publishing.deleteTopic(slug, pathParam(req, 'topic', slugSchema));
    res.status(204).end();
  });

  return router;
}
