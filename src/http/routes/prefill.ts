import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { FetchLimits } from '../../net/safe-fetch.js';
import { extractArticle } from '../../services/prefill/extract.js';
import { fetchArticlePage, type FetchPolicy } from '../../services/prefill/fetch-page.js';
import { parseOr400 } from '../middleware/validate.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import { resource } from '../representations/common.js';

export const prefillRequestSchema = z.object({
  url: z.string().trim().min(1, 'is required').max(2048, 'must be at most 2048 characters'),
});

/** What an article page says about itself. */
export const prefillResponseSchema = resource(
  'ArticleMetadata',
  z.object({
    articleUrl: z.string(),
    title: z.string().nullable(),
    summary: z.string().nullable(),
    author: z.string().nullable(),
    publishedAt: z.string().nullable(),
    imageUrl: z.string().nullable(),
    categories: z.array(z.string()),
    language: z.string().nullable(),
    source: z.string().nullable(),
  }),
);

export const PREFILL_OPERATIONS = {
  prefill: defineOperation({
    method: 'post',
    path: '/api/prefill',
    tag: 'Episodes',
    summary: 'Read an article page’s metadata (JSON-LD, OpenGraph, meta)',
    description:
      'The server fetches the page through its SSRF-safe fetcher: http(s) only, public addresses only unless configured (PREFILL_ALLOWED_HOSTS, PREFILL_ALLOW_PRIVATE), 8 s, 2 MiB, 3 redirects. 422 `fetch-refused` when the address is not fetched, 424 `fetch-failed` when the page could not be read.',
    access: 'editor',
    body: { schema: prefillRequestSchema },
    responses: { 200: { description: 'What the page says', schema: prefillResponseSchema } },
    errors: [422, 424],
  }),
};

/** `POST /api/prefill`: an article page's metadata, to fill in a new episode's form. */
export function prefillRouter(deps: {
  requireEditor: RequestHandler;
  policy: FetchPolicy;
  /** The prefill's deadline, size cap and redirects (default PREFILL_LIMITS). */
  limits?: FetchLimits | undefined;
}): Router {
  const router = Router();
  const op = PREFILL_OPERATIONS.prefill;
  route(router, op, deps.requireEditor, async (req, res) => {
    const { url } = parseOr400(prefillRequestSchema, req.body);
    const page = await fetchArticlePage(url, deps.policy, deps.limits);
    res.set('Cache-Control', 'no-store');
    reply(res, op, 200, extractArticle(page.html, page.url));
  });
  return router;
}
