/**
 * Every operation of the HTTP API: the declarations the routes register themselves
 * from (each kept next to its route), gathered for the OpenAPI document. A test
 * checks that each /api route of the running app appears here and nothing more.
 */
import { z } from 'zod';
import { ACCOUNT_OPERATIONS } from '../routes/accounts.js';
import { AUDIENCE_OPERATIONS } from '../routes/audience.js';
import { CLIP_OPERATIONS } from '../routes/clips.js';
import { CORRECTION_OPERATIONS } from '../routes/corrections.js';
import { EPISODE_EVENT_OPERATIONS } from '../routes/episode-events.js';
import { EPISODE_OPERATIONS } from '../routes/episodes.js';
import { FEED_LOCATION_OPERATIONS } from '../routes/feed-location.js';
import { LISTEN_OPERATIONS } from '../routes/listens.js';
import { PREFILL_OPERATIONS } from '../routes/prefill.js';
import { PUBLISHING_OPERATIONS } from '../routes/publishing.js';
import { SHOW_OPERATIONS } from '../routes/shows.js';
import { UPLOAD_OPERATIONS } from '../routes/uploads.js';
import { resource } from '../representations/common.js';
import { defineOperation, type Operation } from './operation.js';

/** What the feed check finds (feeds/check.ts), as `GET /api/shows/:slug/feed-check` answers it. */
export const feedCheckSchema = resource(
  'FeedCheck',
  z.object({
    ok: z.boolean().describe('No errors (warnings allowed)'),
    items: z.int().min(0),
    problems: z.array(
      z.object({
        severity: z.enum(['error', 'warning']),
        where: z.string().describe('"channel" or "item <guid or title>"'),
        message: z.string(),
        rule: z
          .string()
          .optional()
          .describe('The item rule broken, by a stable name (e.g. description-too-long)'),
        data: z
          .record(z.string(), z.union([z.string(), z.number()]))
          .optional()
          .describe('The figures the message quotes'),
      }),
    ),
  }),
);

/** Routes served outside src/http/routes: declared here, next to the document. */
export const OTHER_OPERATIONS = {
  feedCheck: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/feed-check',
    tag: 'Shows',
    summary: 'Check the show’s feed against Apple and Podcasting 2.0 rules',
    description:
      'Artwork and enclosures are fetched through the SSRF-safe fetcher (public addresses and this instance’s own origin, 10 s, 10 MiB); one that cannot be fetched is reported as a problem, the check itself still answers 200.',
    access: 'editor',
    responses: { 200: { description: 'The findings', schema: feedCheckSchema } },
    errors: [404],
  }),
};

/** The OpenAPI document as served; its operations follow the OpenAPI 3.1 specification. */
export const openApiDocumentSchema = z.object({
  openapi: z.literal('3.1.0'),
  info: z.object({
    title: z.string(),
    version: z.string(),
    description: z.string(),
    license: z.object({ name: z.string(), identifier: z.string() }),
  }),
  servers: z.array(z.object({ url: z.string() })),
  tags: z.array(z.object({ name: z.string() })),
  paths: z
    .record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown())))
    .describe('Path → method → OpenAPI Operation Object'),
  components: z.object({
    securitySchemes: z.record(z.string(), z.record(z.string(), z.unknown())),
    schemas: z.record(z.string(), z.record(z.string(), z.unknown())),
  }),
});

export const DOCUMENTATION_OPERATIONS = {
  document: defineOperation({
    method: 'get',
    path: '/api/openapi.json',
    tag: 'Documentation',
    summary: 'This OpenAPI 3.1 document',
    access: 'public',
    responses: { 200: { description: 'The document', schema: openApiDocumentSchema } },
  }),
  page: defineOperation({
    method: 'get',
    path: '/api/docs',
    tag: 'Documentation',
    summary: 'The API reference as a web page',
    access: 'public',
    responses: { 200: { description: 'An HTML page', mediaType: 'text/html' } },
  }),
};

const GROUPS: readonly Readonly<Record<string, Operation>>[] = [
  ACCOUNT_OPERATIONS,
  SHOW_OPERATIONS,
  FEED_LOCATION_OPERATIONS,
  EPISODE_OPERATIONS,
  CORRECTION_OPERATIONS,
  UPLOAD_OPERATIONS,
  EPISODE_EVENT_OPERATIONS,
  PREFILL_OPERATIONS,
  PUBLISHING_OPERATIONS,
  CLIP_OPERATIONS,
  AUDIENCE_OPERATIONS,
  LISTEN_OPERATIONS,
  OTHER_OPERATIONS,
  DOCUMENTATION_OPERATIONS,
];

export const OPERATIONS: readonly Operation[] = GROUPS.flatMap((group) => Object.values(group));
