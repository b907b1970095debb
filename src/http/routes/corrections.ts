/**
 * Corrections of an episode's audio (issue 13) and its version history. The
 * request is answered 202 once recorded and queued; the episode keeps serving
 * its current audio until the new version is live.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  correctionTextSchema,
  cutCorrectionSchema,
  replacementCorrectionSchema,
  type Actor,
} from '../../core/corrections.js';
import { episodeIdSchema } from '../../core/schemas.js';
import type { CorrectionService } from '../../services/corrections.js';
import type { UploadService } from '../../services/uploads.js';
import { principalOf, type Principal } from '../middleware/auth.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import { versionJson, versionListSchema, versionSchema } from '../representations/versions.js';
import { uploadOwnerOf } from './uploads.js';

export const CORRECTION_OPERATIONS = {
  correct: defineOperation({
    method: 'post',
    path: '/api/episodes/:id/corrections',
    tag: 'Episodes',
    summary: 'Correct the audio: cut ranges out of it, or replace it (guid and feed place kept)',
    description:
      'JSON `{"cuts": [{"start": "12:04", "end": "12:19"}], "reason", "note"}` removes those ranges from the current master (times in seconds or as mm:ss / hh:mm:ss, within the audio, not overlapping). A new recording comes as multipart/form-data (`audio`, `reason`, `note`) or as JSON `{"upload": <finished resumable upload id>, "reason", "note"}`. `reason` stays with the editors (version history); `note` is published, dated, in the feed item and on the public page. The renditions are made again under new URLs; until they are ready the episode serves its current audio, and a failed correction leaves it so (the version says why). One correction at a time (409).',
    access: 'editor',
    body: {
      schema: correctionTextSchema,
      multipart: true,
      json: z.union([cutCorrectionSchema, replacementCorrectionSchema]),
    },
    responses: {
      202: { description: 'Accepted: the new version, `processing`', schema: versionSchema },
    },
    errors: [404, 408, 409, 413, 415, 503],
  }),
  versions: defineOperation({
    method: 'get',
    path: '/api/episodes/:id/versions',
    tag: 'Episodes',
    summary: 'The versions of an episode’s audio: who, when, why, loudness, duration',
    access: 'editor',
    responses: { 200: { description: 'Newest first', schema: versionListSchema } },
    errors: [404],
  }),
};

/** Who asked, as the history names them. */
export function actorOf(principal: Principal): Actor {
  return principal.kind === 'session'
    ? { id: `user:${principal.user.id}`, name: principal.user.name }
    : { id: `token:${principal.tokenId ?? 'configured'}`, name: principal.name };
}

const callerOf = (req: Request): Principal => {
  const principal = principalOf(req);
  // requireEditor ran first: this is a bug, not a client error.
  if (!principal) throw new Error('correction route reached without a principal');
  return principal;
};

export function correctionsRouter(deps: {
  corrections: CorrectionService;
  uploads: UploadService;
  requireEditor: RequestHandler;
  /** The multipart reader of episode uploads (field `audio`). */
  upload: RequestHandler;
}): Router {
  const router = Router();
  const ops = CORRECTION_OPERATIONS;

  // Before any byte of an upload is read: an unknown episode costs no disk.
  const episodeMustExist: RequestHandler = async (req, _res, next) => {
    await deps.corrections.history(pathParam(req, 'id', episodeIdSchema));
    next();
  };

  // JSON: cuts, or a finished resumable upload; multipart goes on to multer.
  const fromJson: RequestHandler = async (req, res, next) => {
    if (!req.is('application/json')) return next();
    const id = pathParam(req, 'id', episodeIdSchema);
    const principal = callerOf(req);
    const body = req.body as Record<string, unknown> | null;
    const version =
      body && typeof body === 'object' && 'upload' in body
        ? await (() => {
            const { upload, ...text } = parseOr400(replacementCorrectionSchema, req.body);
            return deps.corrections.requestReplacementFromUpload(
              id,
              text,
              deps.uploads,
              upload,
              uploadOwnerOf(principal),
              actorOf(principal),
            );
          })()
        : await deps.corrections.requestCuts(
            id,
            parseOr400(cutCorrectionSchema, req.body),
            actorOf(principal),
          );
    reply(res, ops.correct, 202, versionJson(version));
  };

  route(
    router,
    ops.correct,
    deps.requireEditor,
    episodeMustExist,
    fromJson,
    deps.upload,
    async (req, res) => {
      const id = pathParam(req, 'id', episodeIdSchema);
      const text = parseOr400(correctionTextSchema, req.body);
      const file = req.file!;
      const version = await deps.corrections.requestReplacement(
        id,
        text,
        { path: file.path, originalName: file.originalname, bytes: file.size },
        actorOf(callerOf(req)),
      );
      reply(res, ops.correct, 202, versionJson(version));
    },
  );

  route(router, ops.versions, deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const { versions } = await deps.corrections.history(id);
    res.set('Cache-Control', 'no-store');
    reply(res, ops.versions, 200, { episodeId: id, versions: versions.map(versionJson) });
  });

  return router;
}
