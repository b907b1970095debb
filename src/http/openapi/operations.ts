/**
 * Every operation of the HTTP API, described once with the zod schemas the routes
 * validate with. The OpenAPI document is generated from this list, and a test
 * checks that each /api route of the running app appears here.
 */
import { z } from 'zod';
import { createClipSchema, playerSettingsSchema } from '../../core/clips.js';
import { chaptersSchema } from '../../core/chapters.js';
import {
  episodePatchSchema,
  publishSchema,
  showPatchSchema,
  topicFeedSchema,
} from '../../core/feed-schemas.js';
import {
  audioSettingsSchema,
  createShowSchema,
  episodeMetadataSchema,
  reprocessSchema,
} from '../../core/schemas.js';
import {
  loginSchema,
  newTokenSchema,
  newUserSchema,
  passwordChangeSchema,
  passwordResetSchema,
  userDeleteQuerySchema,
  userPatchSchema,
} from '../routes/accounts.js';
import { episodePageQuerySchema } from '../episode-cursor.js';
import { prefillRequestSchema, prefillResponseSchema } from '../routes/prefill.js';

export type Access = 'public' | 'editor' | 'admin' | 'session';

export interface Operation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax (`:id`); turned into `{id}` in the document. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  /** Query parameters, one per key of the object schema the route parses `req.query` with. */
  readonly query?: z.ZodObject;
  /** JSON (or multipart) described by a zod schema, or a raw body of the given media types. */
  readonly body?:
    | { readonly schema: z.ZodType; readonly multipart?: boolean }
    | { readonly raw: readonly string[] };
  /** Success status → description, and optionally the body's schema and media type. */
  readonly responses: Readonly<
    Record<number, { description: string; schema?: z.ZodType; mediaType?: string }>
  >;
  /** Error statuses worth naming besides 400/401/403 implied by body and access. */
  readonly errors?: readonly number[];
}

const anyObject = z.looseObject({});

export const OPERATIONS: readonly Operation[] = [
  // Accounts
  {
    method: 'post',
    path: '/api/session',
    tag: 'Accounts',
    summary: 'Sign in to the studio',
    description:
      'Sets the HttpOnly session cookie and returns the CSRF token to send in `x-csrf-token` on every write. Rate-limited per client address. A wrong e-mail or password: 401, the same for both; the right password of a disabled account: 403 `account-disabled`.',
    access: 'public',
    body: { schema: loginSchema },
    responses: { 200: { description: 'Signed in', schema: anyObject } },
    errors: [401, 403, 429],
  },
  {
    method: 'get',
    path: '/api/session',
    tag: 'Accounts',
    summary: 'The current session and its CSRF token',
    access: 'session',
    responses: { 200: { description: 'The signed-in user', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/session',
    tag: 'Accounts',
    summary: 'Sign out',
    access: 'session',
    responses: { 204: { description: 'Signed out' } },
  },
  {
    method: 'put',
    path: '/api/session/password',
    tag: 'Accounts',
    summary: 'Change my password',
    description:
      'Needs the current password. Every other session of the user ends; this one goes on. Studio sessions only (an API token belongs to no one). Wrong current password: 403 naming `currentPassword`; rate-limited per client address.',
    access: 'session',
    body: { schema: passwordChangeSchema },
    responses: {
      200: {
        description: 'Changed; `otherSessionsEnded` counts the sessions ended',
        schema: anyObject,
      },
    },
    errors: [429],
  },
  {
    method: 'post',
    path: '/api/session/sign-out-everywhere',
    tag: 'Accounts',
    summary: 'Sign out everywhere',
    description: 'Ends every session of the signed-in user, this one included.',
    access: 'session',
    responses: {
      200: { description: 'Signed out; `sessionsEnded` counts them', schema: anyObject },
    },
  },
  {
    method: 'get',
    path: '/api/users',
    tag: 'Accounts',
    summary: 'List users',
    description:
      'With, for each, `disabled`, the sessions still open (`activeSessions`) and the API tokens they created that still work (`liveApiTokens`).',
    access: 'admin',
    responses: { 200: { description: 'Users', schema: anyObject } },
  },
  {
    method: 'post',
    path: '/api/users',
    tag: 'Accounts',
    summary: 'Create a user',
    access: 'admin',
    body: { schema: newUserSchema },
    responses: { 201: { description: 'Created', schema: anyObject } },
    errors: [409],
  },
  {
    method: 'patch',
    path: '/api/users/:id',
    tag: 'Accounts',
    summary: 'Change a user: disable or enable, role, name, e-mail',
    description:
      'Only the fields sent change. A change of `role` or `disabled` ends all the user’s sessions at once. 409 when it would leave no active administrator, or when the e-mail is taken.',
    access: 'admin',
    body: { schema: userPatchSchema },
    responses: {
      200: { description: 'The user as changed, with `sessionsEnded`', schema: anyObject },
    },
    errors: [404, 409],
  },
  {
    method: 'delete',
    path: '/api/users/:id',
    tag: 'Accounts',
    summary: 'Delete a user',
    description:
      'Ends their sessions. Shows and episodes stay (they do not record who made them). The API tokens they created keep working unless `revokeTokens=true`. 409 when it would leave no active administrator.',
    access: 'admin',
    query: userDeleteQuerySchema,
    responses: {
      200: {
        description: 'Deleted; `sessionsEnded` and the `tokensRevoked`',
        schema: anyObject,
      },
    },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/users/:id/password',
    tag: 'Accounts',
    summary: 'Reset a user’s password',
    description: 'Sets a new password for the user and ends all their sessions.',
    access: 'admin',
    body: { schema: passwordResetSchema },
    responses: { 200: { description: 'Reset; `sessionsEnded` counts them', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/users/:id/sessions',
    tag: 'Accounts',
    summary: 'Sign a user out everywhere',
    access: 'admin',
    responses: { 200: { description: '`sessionsEnded` counts them', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/tokens',
    tag: 'Accounts',
    summary: 'List API tokens (never the secrets)',
    access: 'admin',
    responses: { 200: { description: 'Tokens', schema: anyObject } },
  },
  {
    method: 'post',
    path: '/api/tokens',
    tag: 'Accounts',
    summary: 'Create an API token with editor rights',
    description: 'The token is in this response only: it is stored hashed.',
    access: 'admin',
    body: { schema: newTokenSchema },
    responses: { 201: { description: 'Created; `token` is shown once', schema: anyObject } },
  },
  {
    method: 'delete',
    path: '/api/tokens/:id',
    tag: 'Accounts',
    summary: 'Revoke an API token',
    access: 'admin',
    responses: { 200: { description: 'Revoked', schema: anyObject } },
    errors: [404],
  },
  // Shows
  {
    method: 'get',
    path: '/api/shows',
    tag: 'Shows',
    summary: 'List shows',
    access: 'editor',
    responses: { 200: { description: 'Shows with episode counts', schema: anyObject } },
  },
  {
    method: 'post',
    path: '/api/shows',
    tag: 'Shows',
    summary: 'Create a show',
    access: 'editor',
    body: { schema: createShowSchema },
    responses: { 201: { description: 'Created', schema: anyObject } },
    errors: [409],
  },
  {
    method: 'get',
    path: '/api/shows/:slug',
    tag: 'Shows',
    summary: 'A show',
    access: 'editor',
    responses: { 200: { description: 'The show', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/shows/:slug/player',
    tag: 'Shows',
    summary: 'Set the show’s player options',
    access: 'editor',
    body: { schema: playerSettingsSchema },
    responses: { 200: { description: 'The settings', schema: anyObject } },
    errors: [404],
  },
  // Episodes
  {
    method: 'get',
    path: '/api/shows/:slug/episodes',
    tag: 'Episodes',
    summary: 'List a show’s episodes in every state, a page at a time',
    description:
      'Newest article first. `next` is the cursor of the following page (null on the last); pass it back as `cursor` with the same `limit`. File URLs of unpublished episodes are signed and expire after an hour or so.',
    access: 'editor',
    query: episodePageQuerySchema,
    responses: { 200: { description: 'One page of episodes', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/shows/:slug/episodes',
    tag: 'Episodes',
    summary: 'Upload an interview with its article’s metadata',
    description:
      'multipart/form-data: the metadata fields and the audio file in `audio`. Processing is queued; follow `statusUrl` or the events stream.',
    access: 'editor',
    body: { schema: episodeMetadataSchema, multipart: true },
    responses: { 202: { description: 'Accepted, processing queued', schema: anyObject } },
    errors: [404, 408, 413, 415, 503],
  },
  {
    method: 'get',
    path: '/api/episodes/:id',
    tag: 'Episodes',
    summary: 'An episode, with its state, progress and renditions',
    access: 'editor',
    responses: { 200: { description: 'The episode', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/episodes/:id/events',
    tag: 'Episodes',
    summary: 'Processing progress as server-sent events',
    description:
      'Events `progress` ({progress}) from the job queue and `state` ({state, progress, failureReason}) from the database; the stream ends when the episode settles.',
    access: 'editor',
    responses: { 200: { description: 'An event stream', mediaType: 'text/event-stream' } },
    errors: [404],
  },
  {
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
  },
  // Audio (issue 3)
  {
    method: 'put',
    path: '/api/shows/:slug/audio',
    tag: 'Shows',
    summary: 'Set the show’s audio settings (loudness target, renditions ladder)',
    access: 'editor',
    body: { schema: audioSettingsSchema.strict() },
    responses: { 200: { description: 'The show', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/episodes/:id/reprocess',
    tag: 'Episodes',
    summary: 'Process the original again (new settings or chapters); the guid is kept',
    access: 'editor',
    body: { schema: reprocessSchema },
    responses: { 202: { description: 'Accepted, processing queued', schema: anyObject } },
    errors: [404, 409, 503],
  },
  // Publishing (issue 4)
  {
    method: 'post',
    path: '/api/episodes/:id/publish',
    tag: 'Publishing',
    summary: 'Publish an episode now, or schedule it with `at`',
    access: 'editor',
    body: { schema: publishSchema },
    responses: { 200: { description: 'The episode', schema: anyObject } },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/episodes/:id/unpublish',
    tag: 'Publishing',
    summary: 'Take an episode out of the feeds (or cancel its schedule)',
    access: 'editor',
    responses: { 200: { description: 'The episode', schema: anyObject } },
    errors: [404, 409],
  },
  {
    method: 'patch',
    path: '/api/episodes/:id',
    tag: 'Publishing',
    summary: 'Edit an episode’s metadata (its guid never changes)',
    access: 'editor',
    body: { schema: episodePatchSchema },
    responses: { 200: { description: 'The episode', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/episodes/:id/transcript',
    tag: 'Publishing',
    summary: 'Set the transcript (WebVTT or SRT as the body)',
    access: 'editor',
    body: { raw: ['text/vtt', 'application/srt', 'application/x-subrip', 'text/plain'] },
    responses: { 200: { description: 'The episode', schema: anyObject } },
    errors: [404, 415],
  },
  {
    method: 'put',
    path: '/api/episodes/:id/chapters',
    tag: 'Publishing',
    summary: 'Set the chapters',
    access: 'editor',
    body: { schema: chaptersSchema },
    responses: { 200: { description: 'The episode', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/api/shows/:slug',
    tag: 'Shows',
    summary: 'Edit a show',
    access: 'editor',
    body: { schema: showPatchSchema },
    responses: { 200: { description: 'The show', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/shows/:slug/artwork',
    tag: 'Shows',
    summary: 'Upload the show’s artwork (JPEG or PNG body, square, 1400–3000 px)',
    access: 'editor',
    body: { raw: ['image/jpeg', 'image/png'] },
    responses: { 200: { description: 'The show', schema: anyObject } },
    errors: [404, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/api/shows/:slug/topics',
    tag: 'Shows',
    summary: 'A show’s topic feeds',
    access: 'editor',
    responses: { 200: { description: 'Topic feeds', schema: anyObject } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/shows/:slug/topics',
    tag: 'Shows',
    summary: 'Create a topic feed (episodes of one category)',
    access: 'editor',
    body: { schema: topicFeedSchema },
    responses: { 201: { description: 'Created', schema: anyObject } },
    errors: [404, 409],
  },
  {
    method: 'delete',
    path: '/api/shows/:slug/topics/:topic',
    tag: 'Shows',
    summary: 'Delete a topic feed',
    access: 'editor',
    responses: { 204: { description: 'Deleted' } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/shows/:slug/feed-check',
    tag: 'Shows',
    summary: 'Check the show’s feed against Apple and Podcasting 2.0 rules',
    description:
      'Artwork and enclosures are fetched through the SSRF-safe fetcher (public addresses and this instance’s own origin, 10 s, 10 MiB); one that cannot be fetched is reported as a problem, the check itself still answers 200.',
    access: 'editor',
    responses: { 200: { description: 'The findings', schema: anyObject } },
    errors: [404],
  },
  // Clips
  {
    method: 'post',
    path: '/api/episodes/:id/clips',
    tag: 'Clips',
    summary: 'Cut a clip (soundbite) from an episode',
    access: 'editor',
    body: { schema: createClipSchema },
    responses: { 202: { description: 'Accepted, cutting queued', schema: anyObject } },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/episodes/:id/clips',
    tag: 'Clips',
    summary: 'An episode’s clips',
    access: 'editor',
    responses: { 200: { description: 'Clips', schema: z.array(anyObject) } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/clips/:id',
    tag: 'Clips',
    summary: 'A clip',
    access: 'editor',
    responses: { 200: { description: 'The clip', schema: anyObject } },
    errors: [404],
  },
  // This document
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'Documentation',
    summary: 'This OpenAPI 3.1 document',
    access: 'public',
    responses: { 200: { description: 'The document', schema: anyObject } },
  },
  {
    method: 'get',
    path: '/api/docs',
    tag: 'Documentation',
    summary: 'The API reference as a web page',
    access: 'public',
    responses: { 200: { description: 'An HTML page', mediaType: 'text/html' } },
  },
];
