/**
 * Who is calling: an API token (Authorization: Bearer, for CMS automation) or a
 * studio session (cookie, with a CSRF token on every write). Editors may write;
 * administrators also manage users and tokens. API tokens carry editor rights only.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseCookie } from 'cookie';
import { AppError } from '../../core/errors.js';
import type { User } from '../../db/repositories/users.repo.js';
import { safeEqual, type AccountService } from '../../services/accounts.js';
import { withAccess } from '../access.js';

export const SESSION_COOKIE = 'antenne_session';
export const CSRF_HEADER = 'x-csrf-token';

export type Principal =
  | {
      readonly kind: 'session';
      readonly user: User;
      readonly csrfToken: string;
      readonly sessionToken: string;
    }
  | { readonly kind: 'token'; readonly name: string; readonly tokenId: string | null };

type Anonymous = {
  readonly kind: 'anonymous';
  readonly why: 'none' | 'session-expired' | 'invalid-token';
};

const PRINCIPAL = Symbol('principal');
type WithPrincipal = Request & { [PRINCIPAL]?: Principal | Anonymous };

export function principalOf(req: Request): Principal | null {
  const p = (req as WithPrincipal)[PRINCIPAL];
  return p && p.kind !== 'anonymous' ? p : null;
}

/** True when the caller came with a session cookie that has run out (pages say so on sign-in). */
export function sessionExpired(req: Request): boolean {
  const p = (req as WithPrincipal)[PRINCIPAL];
  return p?.kind === 'anonymous' && p.why === 'session-expired';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Resolves the caller once per request; never refuses by itself (public routes ignore it). */
export function authenticate(deps: {
  accounts: AccountService;
  staticTokens: readonly string[];
}): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const holder = req as WithPrincipal;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (token) {
      if (deps.staticTokens.some((t) => safeEqual(t, token))) {
        holder[PRINCIPAL] = { kind: 'token', name: 'configured token', tokenId: null };
        return next();
      }
      const record = await deps.accounts.resolveApiToken(token);
      holder[PRINCIPAL] = record
        ? { kind: 'token', name: record.name, tokenId: record.id }
        : { kind: 'anonymous', why: 'invalid-token' };
      return next();
    }
    const cookieValue = parseCookie(req.get('cookie') ?? '')[SESSION_COOKIE];
    if (cookieValue) {
      const session = await deps.accounts.resolveSession(cookieValue);
      if (session && session !== 'expired') {
        holder[PRINCIPAL] = {
          kind: 'session',
          user: session.user,
          csrfToken: session.csrfToken,
          sessionToken: cookieValue,
        };
        return next();
      }
      holder[PRINCIPAL] = {
        kind: 'anonymous',
        why: session === 'expired' ? 'session-expired' : 'none',
      };
      return next();
    }
    holder[PRINCIPAL] = { kind: 'anonymous', why: 'none' };
    next();
  };
}

function unauthenticated(req: Request, res: Response): AppError {
  const p = (req as WithPrincipal)[PRINCIPAL];
  const why = p?.kind === 'anonymous' ? p.why : 'none';
  if (why === 'invalid-token') {
    res.set('WWW-Authenticate', 'Bearer realm="antenne", error="invalid_token"');
    return new AppError(
      401,
      'invalid-token',
      'Invalid token',
      'The API token is not valid, or it was revoked.',
    );
  }
  res.set('WWW-Authenticate', 'Bearer realm="antenne"');
  if (why === 'session-expired') {
    return new AppError(
      401,
      'session-expired',
      'Your session has expired',
      'Sign in again to continue.',
    );
  }
  return new AppError(
    401,
    'unauthorized',
    'Authentication required',
    'Sign in, or send an API token as "Authorization: Bearer <token>".',
  );
}

/** Session writes must echo the session's CSRF token: a cross-site form cannot. */
function csrfProblem(req: Request, principal: Principal): AppError | null {
  if (principal.kind !== 'session' || !UNSAFE.has(req.method)) return null;
  const sent = req.get(CSRF_HEADER);
  if (sent && safeEqual(sent, principal.csrfToken)) return null;
  return new AppError(
    403,
    'csrf',
    'Missing or invalid CSRF token',
    `Send the token from GET /api/session in the ${CSRF_HEADER} header. Reload the page if it persists.`,
  );
}

export const requireEditor: RequestHandler = withAccess(
  (req, res, next) => {
    const principal = principalOf(req);
    if (!principal) return next(unauthenticated(req, res));
    next(csrfProblem(req, principal) ?? undefined);
  },
  { kind: 'editor' },
);

type SessionPrincipal = Extract<Principal, { kind: 'session' }>;

/** The caller's studio session; API tokens belong to no one, so they get 403. */
export function sessionOf(req: Request): SessionPrincipal {
  const principal = principalOf(req);
  if (principal?.kind === 'session') return principal;
  throw new AppError(
    403,
    'session-required',
    'A studio session is required',
    'API tokens do not belong to a person: sign in to the studio to manage your account.',
  );
}

/** A signed-in person: for what only makes sense for someone (their password, their sessions). */
export const requireSession: RequestHandler = withAccess(
  (req, res, next) => {
    if (!principalOf(req)) return next(unauthenticated(req, res));
    const session = sessionOf(req);
    next(csrfProblem(req, session) ?? undefined);
  },
  { kind: 'session' },
);

export const requireAdmin: RequestHandler = withAccess(
  (req, res, next) => {
    const principal = principalOf(req);
    if (!principal) return next(unauthenticated(req, res));
    if (principal.kind !== 'session' || principal.user.role !== 'admin') {
      return next(
        new AppError(
          403,
          'forbidden',
          'Administrators only',
          'Only an administrator, signed in to the studio, can do this.',
        ),
      );
    }
    next(csrfProblem(req, principal) ?? undefined);
  },
  { kind: 'admin' },
);
