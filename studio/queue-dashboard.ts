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
