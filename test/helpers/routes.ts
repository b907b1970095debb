import type { Express } from 'express';
import { accessOf, type AccessDecision } from '../../src/http/access.js';

interface Layer {
  route?: {
    path: string | string[];
    methods: Record<string, boolean>;
    stack?: { handle?: unknown }[];
  };
  handle?: { stack?: Layer[] };
  /** True for routers mounted at "/" (router 2.x): their route paths are absolute. */
  slash?: boolean;
}

export interface RouteInfo {
  method: string;
  path: string;
  /** What the route's first handler declares (src/http/access.ts); undefined: nothing. */
  access: AccessDecision | undefined;
}

/** Every method + path the Express app answers, walking the routers mounted at / (sub-apps mounted elsewhere, like the queue dashboard, are skipped). */
export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        const access = accessOf(layer.route.stack?.[0]?.handle);
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') out.push({ method, path, access });
          }
        }
      } else if (layer.handle?.stack && layer.slash) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}
