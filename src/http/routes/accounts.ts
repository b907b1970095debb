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
/** Path parameters parsed as an object, so a problem names the parameter. */

const userJson = (u: {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
  disabled: boolean;
}) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
});

const tokenJson = (t: Awaited<ReturnType<AccountService['listApiTokens']>>[number]) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/** Sign-in, sign-out, users and API tokens. */
export function accountsRouter(deps: {
  accounts: AccountService;
  secureCookies: boolean;
  sessionTtlMs: number;
  loginLimit?: number;
  /** Where attempts are counted (Redis, shared by every API process); default: this process's memory. */
  limitStore?: (name: string) => Store;
}): Router {
  const router = Router();

  // Slows password guessing: failed attempts per client address (sign-in, and the
  // current password asked by a password change, each counted apart).
  const passwordLimiter = (name: string, title: string): RequestHandler =>
    rateLimit({
      ...(deps.limitStore ? { store: deps.limitStore(name) } : {}),
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

  router.post('/api/session', publicRoute('sign-in'), loginLimiter, async (req, res) => {
    const { email, password } = parseOr400(loginSchema, req.body);
    const session = await deps.accounts.login(email, password);
    res.cookie(SESSION_COOKIE, session.sessionToken, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/',
      maxAge: deps.sessionTtlMs,
    });
    res.json({
      user: userJson(session.user),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    });
  });

  router.get('/api/session', requireEditor, (req, res) => {
    const p = principalOf(req);
    if (p?.kind !== 'session')
      throw new AppError(
        404,
        'not-found',
        'No studio session',
        'This request is authenticated by an API token.',
      );
    res.set('Cache-Control', 'no-store').json({ user: userJson(p.user), csrfToken: p.csrfToken });
  });

  router.delete('/api/session', requireEditor, async (req, res) => {
    const p = principalOf(req);
    if (p?.kind === 'session') await deps.accounts.logout(p.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });

  // Self-service: a signed-in person's own password and sessions.
  router.put('/api/session/password', requireSession, passwordChangeLimiter, async (req, res) => {
    const p = sessionOf(req);
    const input = parseOr400(passwordChangeSchema, req.body);
    const { sessionsEnded } = await deps.accounts.changeOwnPassword(
      p.user.id,
      p.sessionToken,
      input.currentPassword,
      input.newPassword,
    );
    res.json({ otherSessionsEnded: sessionsEnded });
  });

  router.post('/api/session/sign-out-everywhere', requireSession, async (req, res) => {
    const p = sessionOf(req);
    const { sessionsEnded } = await deps.accounts.signOutEverywhere(p.user.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' }).json({ sessionsEnded });
  });

  // Administrators: accounts. Every change that takes access away ends the sessions.
  router.get('/api/users', requireAdmin, async (_req, res) => {
    const users = await deps.accounts.listUsersWithAccess();
    res.set('Cache-Control', 'no-store').json({
      users: users.map((u) => ({
        ...userJson(u),
        activeSessions: u.activeSessions,
        liveApiTokens: u.liveApiTokens,
      })),
    });
  });

  router.post('/api/users', requireAdmin, async (req, res) => {
    const input = parseOr400(newUserSchema, req.body);
    res.status(201).json(userJson(await deps.accounts.createUser(input)));
  });

  /** When an administrator's change ended their own session, the cookie goes too. */
  const forgetOwnSession = (req: Request, res: Response, id: string, sessionsEnded: number) => {
    const p = principalOf(req);
    if (p?.kind === 'session' && p.user.id === id && sessionsEnded > 0)
      res.clearCookie(SESSION_COOKIE, { path: '/' });
  };

  router.patch('/api/users/:id', requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const change = parseOr400(userPatchSchema, req.body);
    const { user, sessionsEnded } = await deps.accounts.updateUser(id, change);
    forgetOwnSession(req, res, id, sessionsEnded);
    res.json({ ...userJson(user), sessionsEnded });
  });

  router.delete('/api/users/:id', requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const { revokeTokens } = parseOr400(userDeleteQuerySchema, req.query, 'query');
    const result = await deps.accounts.deleteUser(id, { revokeTokens: revokeTokens === 'true' });
    forgetOwnSession(req, res, id, result.sessionsEnded);
    res.json({
      deleted: userJson(result.user),
      sessionsEnded: result.sessionsEnded,
      tokensRevoked: result.tokensRevoked.map(tokenJson),
    });
  });

  router.post('/api/users/:id/password', requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const { password } = parseOr400(passwordResetSchema, req.body);
    const { sessionsEnded } = await deps.accounts.resetPassword(id, password);
    forgetOwnSession(req, res, id, sessionsEnded);
    res.json({ sessionsEnded });
  });

  router.delete('/api/users/:id/sessions', requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    const { sessionsEnded } = await deps.accounts.endSessions(id);
    forgetOwnSession(req, res, id, sessionsEnded);
    res.json({ sessionsEnded });
  });

  router.get('/api/tokens', requireAdmin, async (_req, res) => {
    res.json({ tokens: (await deps.accounts.listApiTokens()).map(tokenJson) });
  });

  router.post('/api/tokens', requireAdmin, async (req, res) => {
    const { name } = parseOr400(newTokenSchema, req.body);
    const p = principalOf(req);
    const { token, record } = await deps.accounts.createApiToken(
      name,
      p?.kind === 'session' ? p.user.id : null,
    );
    // The only time the token is shown: it is stored hashed.
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json({ ...tokenJson(record), token });
  });

  router.delete('/api/tokens/:id', requireAdmin, async (req, res) => {
    const id = pathParam(req, 'id', idParam);
    res.json(tokenJson(await deps.accounts.revokeApiToken(id)));
  });

  return router;
}
