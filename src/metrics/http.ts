/**
 * Request latency by route template (`/api/episodes/:id`, never the raw path,
 * so the number of series stays bounded). Mounted before everything, so it
 * also times the feed fast path, which answers without Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordHttp } from './registry.js';

/** What Express leaves on a request it routed. */
interface Routed {
  route?: { path?: string | RegExp | (string | RegExp)[] };
  baseUrl?: string;
  app?: unknown;
}

/** Label of a request Express never saw: only the feed fast path answers those. */
export const FAST_FEED_ROUTE = '/feeds/:show{/:topic}.xml';
/** Label of a request no route matched (404s, probes): one series, whatever the path. */
export const UNMATCHED_ROUTE = '(unmatched)';

function routeOf(req: IncomingMessage & Routed): string {
  const path = req.route?.path;
  if (path !== undefined) {
    return `${req.baseUrl ?? ''}${[path]
      .flat()
      .map((p) => p.toString())
      .join('|')}`;
  }
  return req.app === undefined ? FAST_FEED_ROUTE : UNMATCHED_ROUTE;
}

/** Times every request to its end (or its abort); works as Express middleware or around a node:http handler. */
export function observeHttp(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const started = process.hrtime.bigint();
  let done = false;
  const record = () => {
    if (done) return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    recordHttp(req.method ?? 'GET', routeOf(req), res.statusCode, seconds);
  };
  res.once('finish', record);
  res.once('close', record);
  next();
}
