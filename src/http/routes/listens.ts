import { Router, type Request, type RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { episodeIdSchema } from '../../core/schemas.js';
import { logCountingError, MILESTONES, type AudienceRecorder } from '../../services/audience.js';
import { publishedOnly } from '../access.js';
import { requesterOf } from '../audience-counting.js';
import { sendProblem } from '../middleware/problem.js';
import { parseOr400 } from '../middleware/validate.js';
import { defineOperation, route } from '../openapi/operation.js';

export const listenBeaconSchema = z
  .object({
    episodeId: episodeIdSchema,
    milestone: z.enum(MILESTONES),
  })
  .strict();

export const LISTEN_OPERATIONS = {
  beacon: defineOperation({
    method: 'post',
    path: '/api/listens',
    tag: 'Audience',
    summary: 'Report a player milestone (the embedded player’s beacon)',
    description:
      'Sent by the Antenne player with navigator.sendBeacon when a listener starts an episode, has heard 30 s of it, and reaches its end. No cookie, no identifier: the listener is a keyed hash of address and user agent, kept one day (docs/privacy.md). Each milestone counts once per listener, episode and UTC day. Published episodes only.',
    access: 'public',
    body: { schema: listenBeaconSchema },
    responses: { 204: { description: 'Taken (counted, or counted before)' } },
    errors: [404, 429],
  }),
};

/** Beacons per client address and minute (a player sends three per episode). */
const BEACONS_PER_MINUTE = 60;

/** The player's listen beacons (embed/client/listen-beacon.ts). */
export function listensRouter(deps: {
  recorder: AudienceRecorder;
  logger: Logger;
  /** Where beacons are counted (Redis, shared by every API process); default: this process's memory. */
  limitStore?: (name: string) => Store;
  /** What the limiter keys a client by (a keyed hash of its address, never the address). */
  limitKey?: (req: Request) => string;
}): Router {
  const router = Router();
  const limiter: RequestHandler = rateLimit({
    ...(deps.limitStore ? { store: deps.limitStore('listens') } : {}),
    ...(deps.limitKey ? { keyGenerator: deps.limitKey } : {}),
    windowMs: 60_000,
    limit: BEACONS_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) =>
      sendProblem(
        res,
        new AppError(429, 'too-many-beacons', 'Too many beacons', 'Wait a minute.'),
        req.originalUrl,
      ),
  });

  route(
    router,
    LISTEN_OPERATIONS.beacon,
    publishedOnly('a published episode’s player reports listens; unpublished episodes are 404'),
    limiter,
    async (req, res) => {
      const { episodeId, milestone } = parseOr400(listenBeaconSchema, req.body);
      const showId = await deps.recorder.publishedShowOf(episodeId);
      if (!showId) throw notFound('Episode');
      const who = requesterOf(req);
      res.set('Cache-Control', 'no-store').status(204).end();
      deps.recorder.inBackground(
        deps.recorder.listen({ episodeId, showId, milestone, who }),
        (error) => logCountingError(deps.logger, error),
      );
    },
  );
  return router;
}
