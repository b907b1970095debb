import { Router, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { type AccountService } from '../../services/accounts.js';
import {
  principalOf,
  requireAdmin,
  requireEditor,
  requireSession,
  sessionOf,
  SESSION_COOKIE,
} from '../middleware/auth.js';
import { sendProblem } from '../middleware/problem.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { publicRoute } from '../access.js';
import { recordIdSchema } from '../../core/schemas.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../core/passwords.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import {
  createdTokenSchema,
  sessionSchema,
  sessionsEndedSchema,
  signedInSchema,
  tokenJson,
  tokenListSchema,
  tokenSchema,
  userChangedSchema,
  userDeletedSchema,
  userJson,
  userListSchema,
  userSchema,
} from '../representations/accounts.js';

export const loginSchema = z.object({
  email: z.string().trim().min(1, 'is required'),
  password: z.string().min(1, 'is required'),
});
/** The service checks the same rule (passwordProblem); here it also reaches the API docs. */
const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
const role = z.enum(['admin', 'editor'], 'must be "admin" or "editor"');
const userName = z.string().trim().min(1, 'is required').max(255);
const email = z.email('must be an e-mail address').max(320);

export const newUserSchema = z.object({
  email,
  name: userName,
  password: newPassword,
  role: role.default('editor'),
});
/** What an administrator may change; only the fields sent change. */
export const userPatchSchema = z
  .object({ name: userName, email, role, disabled: z.boolean('must be true or false') })
  .partial()
  .strict();
export const passwordResetSchema = z.object({ password: newPassword });
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH),
  newPassword,
});
export const userDeleteQuerySchema = z.object({
  revokeTokens: z.enum(['true', 'false'], 'must be "true" or "false"').optional(),
});
export const newTokenSchema = z.object({ name: z.string().trim().min(1, 'is required').max(100) });
const idParam = recordIdSchema('is not an id');

export const ACCOUNT_OPERATIONS = {
  signIn: defineOperation({
    method: 'post',
    path: '/api/session',
    tag: 'Accounts',
    summary: 'Sign in to the studio',
    description:
      'Sets the HttpOnly session cookie and returns the CSRF token to send in `x-csrf-token` on every write. Rate-limited per client address. A wrong e-mail or password: 401, the same for both; the right password of a disabled account: 403 `account-disabled`.',
    access: 'public',
    body: { schema: loginSchema },
    responses: { 200: { description: 'Signed in', schema: signedInSchema } },
    errors: [401, 403, 429],
  }),
  session: defineOperation({
    method: 'get',
    path: '/api/session',
    tag: 'Accounts',
    summary: 'The current session and its CSRF token',
    access: 'session',
    responses: { 200: { description: 'The signed-in user', schema: sessionSchema } },
    errors: [404],
  }),
  signOut: defineOperation({
    method: 'delete',
    path: '/api/session',
    tag: 'Accounts',
    summary: 'Sign out',
    access: 'session',
    responses: { 204: { description: 'Signed out' } },
  }),
  changePassword: defineOperation({
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
        schema: z.object({ otherSessionsEnded: z.int().min(0) }),
      },
    },
    errors: [429],
  }),
  signOutEverywhere: defineOperation({
    method: 'post',
    path: '/api/session/sign-out-everywhere',
    tag: 'Accounts',
    summary: 'Sign out everywhere',
    description: 'Ends every session of the signed-in user, this one included.',
    access: 'session',
    responses: {
      200: { description: 'Signed out; `sessionsEnded` counts them', schema: sessionsEndedSchema },
    },
  }),
  listUsers: defineOperation({
    method: 'get',
    path: '/api/users',
    tag: 'Accounts',
    summary: 'List users',
    description:
      'With, for each, `disabled`, the sessions still open (`activeSessions`) and the API tokens they created that still work (`liveApiTokens`).',
    access: 'admin',
    responses: { 200: { description: 'Users', schema: userListSchema } },
  }),
  createUser: defineOperation({
    method: 'post',
    path: '/api/users',
    tag: 'Accounts',
    summary: 'Create a user',
    access: 'admin',
    body: { schema: newUserSchema },
    responses: { 201: { description: 'Created', schema: userSchema } },
    errors: [409],
  }),
  updateUser: defineOperation({
    method: 'patch',
    path: '/api/users/:id',
    tag: 'Accounts',
    summary: 'Change a user: disable or enable, role, name, e-mail',
    description:
      'Only the fields sent change. A change of `role` or `disabled` ends all the user’s sessions at once. 409 when it would leave no active administrator, or when the e-mail is taken.',
    access: 'admin',
    body: { schema: userPatchSchema },
    responses: {
      200: { description: 'The user as changed, with `sessionsEnded`', schema: userChangedSchema },
    },
    errors: [404, 409],
  }),
  deleteUser: defineOperation({
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
        schema: userDeletedSchema,
      },
    },
    errors: [404, 409],
  }),
  resetPassword: defineOperation({
    method: 'post',
    path: '/api/users/:id/password',
    tag: 'Accounts',
    summary: 'Reset a user’s password',
    description: 'Sets a new password for the user and ends all their sessions.',
    access: 'admin',
    body: { schema: passwordResetSchema },
    responses: {
      200: { description: 'Reset; `sessionsEnded` counts them', schema: sessionsEndedSchema },
    },
    errors: [404],
  }),
  endSessions: defineOperation({
    method: 'delete',
    path: '/api/users/:id/sessions',
    tag: 'Accounts',
    summary: 'Sign a user out everywhere',
    access: 'admin',
    responses: { 200: { description: '`sessionsEnded` counts them', schema: sessionsEndedSchema } },
    errors: [404],
  }),
  listTokens: defineOperation({
    method: 'get',
    path: '/api/tokens',
    tag: 'Accounts',
    summary: 'List API tokens (never the secrets)',
    access: 'admin',
    responses: { 200: { description: 'Tokens', schema: tokenListSchema } },
  }),
  createToken: defineOperation({
    method: 'post',
    path: '/api/tokens',
    tag: 'Accounts',
    summary: 'Create an API token with editor rights',
    description: 'The token is in this response only: it is stored hashed.',
    access: 'admin',
    body: { schema: newTokenSchema },
    responses: {
      201: { description: 'Created; `token` is shown once', schema: createdTokenSchema },
    },
  }),
  revokeToken: defineOperation({
    method: 'delete',
    path: '/api/tokens/:id',
    tag: 'Accounts',
    summary: 'Revoke an API token',
    access: 'admin',
    responses: { 200: { description: 'Revoked', schema: tokenSchema } },
    errors: [404],
  }),
};

/** Sign-in, sign-out, users and API tokens. */
export function accountsRouter(deps: {
  accounts: AccountService;
  secureCookies: boolean;
  sessionTtlMs: number;
  loginLimit?: number;
  /** Where attempts are counted (Redis, shared by every API process); default: this process's memory. */
  limitStore?: (name: string) => Store;
  /** What the limiter keys a client by (a keyed hash of its address); default: the address. */
  limitKey?: (req: Request) => string;
}): Router {
  const router = Router();
  const ops = ACCOUNT_OPERATIONS;

  // Slows password guessing: failed attempts per client address (sign-in, and the
  // current password asked by a password change, each counted apart).
  const passwordLimiter = (name: string, title: string): RequestHandler =>
    rateLimit({
      ...(deps.limitStore ? { store: deps.limitStore(name) } : {}),
      ...(deps.limitKey ? { keyGenerator: deps.limitKey } : {}),
      windowMs: 15 * 60_000,
      limit: deps.loginLimit ?? 10,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skipSuccessfulRequests: true,
      handler: (req, res) =>
        sendProblem(
          res,
          new AppError(429, 'too-many-attempts', title, 'Wait 15 minutes before trying again.'),
          req.originalUrl,
        ),
    });
  const loginLimiter = passwordLimiter('sign-in', 'Too many sign-in attempts');
  const passwordChangeLimiter = passwordLimiter('password-change', 'Too many password attempts');

  route(router, ops.signIn, publicRoute('sign-in'), loginLimiter, async (req, res) => {
    const { email, password } = parseOr400(loginSchema, req.body);
    const session = await deps.accounts.login(email, password);
    res.cookie(SESSION_COOKIE, session.sessionToken, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/',
      maxAge: deps.sessionTtlMs,
    });
    reply(res, ops.signIn, 200, {
      user: userJson(session.user),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    });
  });

  route(router, ops.session, requireEditor, (req, res) => {
    const p = principalOf(req);
    if (p?.kind !== 'session')
      throw new AppError(
        404,
        'not-found',
        'No studio session',
        'This request is authenticated by an API token.',
      );
    res.set('Cache-Control', 'no-store');
    reply(res, ops.session, 200, { user: userJson(p.user), csrfToken: p.csrfToken });
  });

  route(router, ops.signOut, requireEditor, async (req, res) => {
    const p = principalOf(req);
    if (p?.kind === 'session') await deps.accounts.logout(p.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });

  // Self-service: a signed-in person's own password and sessions.
  route(router, ops.changePassword, requireSession, passwordChangeLimiter, async (req, res) => {
    const p = sessionOf(req);
    const input = parseOr400(passwordChangeSchema, req.body);
    const { sessionsEnded } = await deps.accounts.changeOwnPassword(
      p.user.id,
      p.sessionToken,
      input.currentPassword,
      input.newPassword,
    );
    reply(res, ops.changePassword, 200, { otherSessionsEnded: sessionsEnded });
  });

  route(router, ops.signOutEverywhere, requireSession, async (req, res) => {
    const p = sessionOf(req);
    const { sessionsEnded } = await deps.accounts.signOutEverywhere(p.user.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    reply(res, ops.signOutEverywhere, 200, { sessionsEnded });
  });

  // Administrators: accounts. Every change that takes access away ends the sessions.
  route(router, ops.listUsers, requireAdmin, async (_req, res) => {
    const users = await deps.accounts.listUsersWithAccess();
    res.set('Cache-Control', 'no-store');
    reply(res, ops.listUsers, 200, {
      users: users.map((u) => ({
        ...userJson(u),
        activeSessions: u.activeSessions,
        liveApiTokens: u.liveApiTokens,
      })),
    });
  });

  route(router, ops.createUser, requireAdmin, async (req, res) => {
    const input = parseOr400(newUserSchema, req.body);
    reply(res, ops.createUser, 201, userJson(await deps.accounts.createUser(input)));
  });

  /** When an administrator's change ended their own session, the cookie goes too. */
  const forgetOwnSession = (req: Request, res: Response, id: string, sessionsEnded: number) => {
    const p = principalOf(req);
    if (p?.kind === 'session' && p.user.id === id && sessionsEnded > 0)
      res.clearCookie(SESSION_COOKIE, { path: '/' });
  };

  route(router, ops.updateUser, requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const change = parseOr400(userPatchSchema, req.body);
    const { user, sessionsEnded } = await deps.accounts.updateUser(id, change);
    forgetOwnSession(req, res, id, sessionsEnded);
    reply(res, ops.updateUser, 200, { ...userJson(user), sessionsEnded });
  });

  route(router, ops.deleteUser, requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const { revokeTokens } = parseOr400(userDeleteQuerySchema, req.query, 'query');
    const result = await deps.accounts.deleteUser(id, { revokeTokens: revokeTokens === 'true' });
    forgetOwnSession(req, res, id, result.sessionsEnded);
    reply(res, ops.deleteUser, 200, {
      deleted: userJson(result.user),
      sessionsEnded: result.sessionsEnded,
      tokensRevoked: result.tokensRevoked.map(tokenJson),
    });
  });

  route(router, ops.resetPassword, requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const { password } = parseOr400(passwordResetSchema, req.body);
    const { sessionsEnded } = await deps.accounts.resetPassword(id, password);
    forgetOwnSession(req, res, id, sessionsEnded);
    reply(res, ops.resetPassword, 200, { sessionsEnded });
  });

  route(router, ops.endSessions, requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const { sessionsEnded } = await deps.accounts.endSessions(id);
    forgetOwnSession(req, res, id, sessionsEnded);
    reply(res, ops.endSessions, 200, { sessionsEnded });
  });

  route(router, ops.listTokens, requireAdmin, async (_req, res) => {
    reply(res, ops.listTokens, 200, {
      tokens: (await deps.accounts.listApiTokens()).map(tokenJson),
    });
  });

  route(router, ops.createToken, requireAdmin, async (req, res) => {
    const { name } = parseOr400(newTokenSchema, req.body);
    const p = principalOf(req);
    const { token, record } = await deps.accounts.createApiToken(
      name,
      p?.kind === 'session' ? p.user.id : null,
    );
    // The only time the token is shown: it is stored hashed.
    res.set('Cache-Control', 'no-store');
    reply(res, ops.createToken, 201, { ...tokenJson(record), token });
  });

  route(router, ops.revokeToken, requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    reply(res, ops.revokeToken, 200, tokenJson(await deps.accounts.revokeApiToken(id)));
  });

  return router;
}
