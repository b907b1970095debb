/**
 * Where Prometheus reads /metrics: on a port of its own (METRICS_PORT, for a
 * network only Prometheus reaches), and/or on the API port behind a bearer token
 * (METRICS_TOKEN). Neither configured: no /metrics anywhere.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Router, type RequestHandler } from 'express';
import { Registry } from 'prom-client';
import { AppError } from '../core/errors.js';
import { withAccess } from '../http/access.js';
import { sendProblem } from '../http/middleware/problem.js';

export type Scrape = () => Promise<{ contentType: string; body: string }>;

/** The process's metrics and the queue gauges, as one exposition. */
export function scrapeOf(registries: readonly Registry[]): Scrape {
  return async () => {
    const merged = Registry.merge([...registries]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function requireMetricsToken(token: string): RequestHandler {
  const expected = digest(token);
  return withAccess(
    (req, res, next) => {
      const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
      if (match && timingSafeEqual(digest(match[1]!), expected)) return next();
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      sendProblem(
        res,
        new AppError(401, 'unauthenticated', 'Metrics need the metrics token'),
        req.originalUrl,
      );
    },
    { kind: 'metrics-token' },
  );
}

/** GET /metrics on the API port, for `Authorization: Bearer <token>`. */
export function metricsRouter(deps: { token: string; scrape: Scrape }): Router {
  const router = Router();
  router.get('/metrics', requireMetricsToken(deps.token), async (_req, res) => {
    const { contentType, body } = await deps.scrape();
    res.set('Cache-Control', 'no-store').type(contentType).send(body);
  });
  return router;
}

/** A server that answers GET /metrics and nothing else; resolves with the bound port. */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  scrape: Scrape;
}): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    options.scrape().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : options.port };
}
