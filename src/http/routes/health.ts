import { Router } from 'express';

export function healthRouter(deps: { check: () => Promise<Record<string, string>> }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const checks = await deps.check();
    const ok = Object.values(checks).every((v) => v === 'ok');
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ok' : 'degraded', checks });
  });
  return router;
}
