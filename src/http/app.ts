import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from '../core/logger.js';
import { notFoundHandler, problemHandler } from './middleware/problem.js';
import { markUnparsedBody, queryMustBeText } from './middleware/validate.js';

/**
 * The Express app without listen(): tests start it on port 0. Routers come from
 * the composition root, so this module knows nothing of feeds or embeds.
 */
export function createApp(deps: {
  routers: readonly Router[];
  logger: Logger;
  /** Resolves the caller (token or session) before any route. */
  authenticate?: RequestHandler;
  /** Express's "trust proxy" (client address from X-Forwarded-For behind a proxy). */
  trustProxy?: number | string;
}): express.Express {
  const app = express();
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '1mb' }));
  // A body in another type is left for the route: multer, express.raw, or a 415 from parseOr400.
  app.use(markUnparsedBody);
  // NUL and the like are refused in every query string, whatever the route reads of it.
  app.use(queryMustBeText);
  // Only where it matters: feeds and media stay free of per-request account lookups.
  if (deps.authenticate) app.use(['/api', '/studio'], deps.authenticate);
  for (const router of deps.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(problemHandler(deps.logger));
  return app;
}
