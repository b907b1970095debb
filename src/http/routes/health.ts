import { Router } from 'express';
import { publicRoute } from '../access.js';

export function healthRouter(deps: { check: () => Promise<Record<string, string>> }): Router {
  const router = Router();
  router.get('/healthz', publicRoute('liveness figures only, no content'), async (_req, res) => {
    const checks = await deps.check();
    const ok = Object.values(checks).every((v) => v === 'ok');
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ok' : 'degraded', checks });
  });
  return router;
}
