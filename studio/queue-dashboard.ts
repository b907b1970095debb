/**
 * bull-board for administrators at /studio/queues, read-only: its own POST actions
 * would not carry the studio's CSRF token, and a dashboard that only looks is
 * the safe default. Its queues are separate Queue objects on their own connection.
 *
 * While Redis is down the dashboard answers 503 within about a second and a half
 * instead of hanging: each request first checks that Redis answers (its connection
 * fails commands fast, with no offline queue).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Router, type RequestHandler } from 'express';
import { AppError } from '../src/core/errors.js';
import { QUEUES } from '../src/core/jobs.js';
import type { Logger } from '../src/core/logger.js';

export const QUEUE_DASHBOARD_PATH = '/studio/queues';

/** How long a request waits for a (re)connecting Redis, then for its PING, before a 503. */
const READY_WAIT_MS = 750;
const PING_TIMEOUT_MS = 750;

const unavailable = () =>
  new AppError(
    503,
    'queue-unavailable',
    'The job queue is unreachable',
    'Redis does not answer, so the queue dashboard cannot show anything. Uploads are kept and processed once Redis is back; try again in a moment.',
  );

/**
 * Ready and answering: a connection that still says `ready` may be talking to a
 * Redis that has just gone (or hangs), so a PING settles it.
 */
async function reachable(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') {
    const ready = await new Promise<boolean>((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        resolve(false);
      }, READY_WAIT_MS);
      redis.once('ready', onReady);
    });
    if (!ready) return false;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  const ping = redis.ping().then(
    () => true,
    () => false,
  );
  const ok = await Promise.race([ping, timeout]);
  clearTimeout(timer);
  return ok;
}

export function queueDashboard(deps: {
  redisUrl: string;
  prefix: string;
  /** For the dashboard's pages: sign-in redirect, 403 page. */
  adminPageGuard: RequestHandler;
  /** For its JSON API: 401/403 problems, CSRF on writes. */
  requireAdmin: RequestHandler;
  logger: Logger;
}): { router: Router; close(): Promise<void> } {
  let queues: Queue[] | null = null;
  let connection: Redis | null = null;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  // Created on first visit: a process that never shows the dashboard opens no connection.
  const ensure = (): Redis => {
    if (!connection) {
      const redis = new Redis(deps.redisUrl, {
        // Fail fast rather than queue commands until Redis is back (the old hang).
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
      });
      let reported = false;
      redis.on('ready', () => (reported = false));
      redis.on('error', (error) => {
        if (!reported) deps.logger.warn({ err: error }, 'redis (queue dashboard) error');
        reported = true;
      });
      connection = redis;
      queues = Object.values(QUEUES).map((name) => {
        const queue = new Queue(name, { connection: redis, prefix: deps.prefix });
        queue.on('error', (error) =>
          deps.logger.debug({ err: error, queue: name }, 'queue dashboard'),
        );
        return queue;
      });
      createBullBoard({
        queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
        serverAdapter,
        options: { uiConfig: { boardTitle: 'Antenne' } },
      });
    }
    return connection;
  };
  const redisReachable: RequestHandler = (req, _res, next) => {
    const redis = ensure();
    // The page's scripts and styles need no Redis.
    if (req.path.startsWith('/static/')) return next();
    reachable(redis).then(
      (ok) => next(ok ? undefined : unavailable()),
      () => next(unavailable()),
    );
  };
  const router = Router();
  router.use(
    QUEUE_DASHBOARD_PATH,
    // A browser navigating gets pages; the dashboard's own fetches get problems.
    (req, res, next) =>
      req.accepts(['json', 'html']) === 'html' ? deps.adminPageGuard(req, res, next) : next(),
    deps.requireAdmin,
    redisReachable,
    serverAdapter.getRouter() as RequestHandler,
  );
  return {
    router,
    async close() {
      for (const q of queues ?? []) await q.close();
      connection?.disconnect();
    },
  };
}
