/**
 * The access model, in one place. Every route declares who may call it by its
 * first handler: `requireEditor` / `requireAdmin` (API token or studio session),
 * a studio page guard, or one of the public decisions below. A route without a
 * declared decision fails `test/e2e/access-matrix.test.ts`, which walks the router.
 *
 * Public means only what a published episode shows the world (feed, embed, public
 * page, oEmbed, its media, peaks, chapters, transcript, published clips); routes
 * marked `publishedOnly` are public but must themselves refuse anything unpublished.
 */
import type { RequestHandler } from 'express';

export type AccessDecision =
  /** Anyone: nothing confidential behind it (health, assets, sign-in, API docs). */
  | { readonly kind: 'public'; readonly why: string }
  /** Anyone, for published content only: the handler answers 404 for the rest. */
  | { readonly kind: 'published-only'; readonly why: string }
  /** An editor's API token or studio session (CSRF on writes). */
  | { readonly kind: 'editor' }
  /** A person's studio session (CSRF on writes): API tokens belong to no one, they get 403. */
  | { readonly kind: 'session' }
  /** An administrator's studio session. */
  | { readonly kind: 'admin' }
  /** A studio HTML page: signed-out visitors are sent to sign in. */
  | { readonly kind: 'editor-page' }
  | { readonly kind: 'admin-page' }
  /** Prometheus only: `Authorization: Bearer $METRICS_TOKEN`; no account or editor token opens it. */
  | { readonly kind: 'metrics-token' };

const ACCESS = Symbol.for('antenne.access');
type Tagged = RequestHandler & { [ACCESS]?: AccessDecision };

/** Marks `handler` as the access decision of the routes it opens. */
export function withAccess<T extends RequestHandler>(handler: T, decision: AccessDecision): T {
  (handler as Tagged)[ACCESS] = decision;
  return handler;
}

/** The decision a handler declares, if it is an access handler. */
export function accessOf(handler: unknown): AccessDecision | undefined {
  return typeof handler === 'function' ? (handler as Tagged)[ACCESS] : undefined;
}

const pass: RequestHandler = (_req, _res, next) => next();

/** Open to anyone; `why` says why nothing confidential is behind it. */
export function publicRoute(why: string): RequestHandler {
  return withAccess(((req, res, next) => pass(req, res, next)) as RequestHandler, {
    kind: 'public',
    why,
  });
}

/** Open to anyone for published content; the handler must refuse what is not published. */
export function publishedOnly(why: string): RequestHandler {
  return withAccess(((req, res, next) => pass(req, res, next)) as RequestHandler, {
    kind: 'published-only',
    why,
  });
}
