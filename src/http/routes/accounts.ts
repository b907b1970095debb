import { Router, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { AccountService } from '../../services/accounts.js';
import { principalOf, requireAdmin, requireEditor, SESSION_COOKIE } from '../middleware/auth.js';
import { sendProblem } from '../middleware/problem.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { publicRoute } from '../access.js';

export const loginSchema = z.object({
  email: z.string().trim().min(1, 'is required'),
  password: z.string().min(1, 'is required'),
});
export const newUserSchema = z.object({
  email: z.email('must be an e-mail address'),
  name: z.string().trim().min(1, 'is required').max(255),
  password: z.string().max(1024),
  role: z.enum(['admin', 'editor']).default('editor'),
});
export const newTokenSchema = z.object({ name: z.string().trim().min(1, 'is required').max(100) });
const idParam = z.string().regex(/^[a-z0-9]{1,64}$/, 'is not an id');

const userJson = (u: {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
}) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
});

/** Sign-in, sign-out, users and API tokens. */
export function accountsRouter(deps: {
  accounts: AccountService;
  secureCookies: boolean;
  sessionTtlMs: number;
  loginLimit?: number;
}): Router {
  const router = Router();

  // Slows password guessing: failed attempts per client address.
  const loginLimiter: RequestHandler = rateLimit({
    windowMs: 15 * 60_000,
    limit: deps.loginLimit ?? 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    handler: (req, res) =>
      sendProblem(
        res,
        new AppError(
          429,
          'too-many-attempts',
          'Too many sign-in attempts',
          'Wait 15 minutes before trying again.',
        ),
        req.originalUrl,
      ),
  });

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

  router.get('/api/users', requireAdmin, async (_req, res) => {
    res.json({ users: (await deps.accounts.listUsers()).map(userJson) });
  });

  router.post('/api/users', requireAdmin, async (req, res) => {
    const input = parseOr400(newUserSchema, req.body);
    res.status(201).json(userJson(await deps.accounts.createUser(input)));
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
