/**
 * bull-board for administrators at /studio/queues, read-only: its own POST actions
 * would not carry the studio's CSRF token, and a dashboard that only looks is
 * the safe default. Its queues are separate Queue objects on their own connection.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Router, type RequestHandler } from 'express';
import { QUEUES } from '../src/core/jobs.js';

export const QUEUE_DASHBOARD_PATH = '/studio/queues';

export function queueDashboard(deps: {
  redisUrl: string;
  prefix: string;
  /** For the dashboard's pages: sign-in redirect, 403 page. */
  adminPageGuard: RequestHandler;
  /** For its JSON API: 401/403 problems, CSRF on writes. */
  requireAdmin: RequestHandler;
}): { router: Router; close(): Promise<void> } {
  let queues: Queue[] | null = null;
  let connection: Redis | null = null;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  // Created on first visit: a process that never shows the dashboard opens no connection.
  const ensure: RequestHandler = (_req, _res, next) => {
    if (!queues) {
      connection = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
      queues = Object.values(QUEUES).map(
        (name) => new Queue(name, { connection: connection!, prefix: deps.prefix }),
      );
      createBullBoard({
        queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
        serverAdapter,
        options: { uiConfig: { boardTitle: 'Antenne' } },
      });
    }
    next();
  };
  const router = Router();
  router.use(
    QUEUE_DASHBOARD_PATH,
    // A browser navigating gets pages; the dashboard's own fetches get problems.
    (req, res, next) =>
      req.accepts(['json', 'html']) === 'html' ? deps.adminPageGuard(req, res, next) : next(),
    deps.requireAdmin,
    ensure,
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
