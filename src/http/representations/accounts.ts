/**
 * What the API answers about people, sessions and API tokens. Each zod schema
 * serialises the response (`reply` parses with it) and documents it in OpenAPI.
 */
import { z } from 'zod';
import type { ApiToken } from '../../db/repositories/api-tokens.repo.js';
import type { User } from '../../db/repositories/users.repo.js';
import { count, resource, timestamp } from './common.js';

export const userSchema = resource(
  'User',
  z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'editor']),
    disabled: z.boolean(),
    createdAt: timestamp,
  }),
);

export const userJson = (u: User): z.input<typeof userSchema> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
});

/** The administrators' list: each user with what still gives them access. */
export const userListSchema = z.object({
  users: z.array(
    userSchema.extend({
      activeSessions: count.describe('Sessions not yet expired'),
      liveApiTokens: count.describe('API tokens they created that still work'),
    }),
  ),
});

/** A studio session: the CSRF token goes in `x-csrf-token` on every write. */
export const sessionSchema = resource(
  'Session',
  z.object({ user: userSchema, csrfToken: z.string() }),
);
export const signedInSchema = sessionSchema.extend({ expiresAt: timestamp });

export const sessionsEndedSchema = z.object({ sessionsEnded: count });
export const userChangedSchema = userSchema.extend({ sessionsEnded: count });

/** An API token as listed: never the secret. */
export const tokenSchema = resource(
  'Token',
  z.object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the token, to recognise it'),
    role: z.enum(['editor']),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  }),
);

export const tokenJson = (t: ApiToken): z.input<typeof tokenSchema> => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

export const tokenListSchema = z.object({ tokens: z.array(tokenSchema) });
/** The only answer that holds the token itself: it is stored hashed. */
export const createdTokenSchema = resource(
  'CreatedToken',
  tokenSchema.extend({ token: z.string() }),
);

export const userDeletedSchema = z.object({
  deleted: userSchema,
  sessionsEnded: count,
  tokensRevoked: z.array(tokenSchema),
});
