import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../../core/errors.js';

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Writes need an editor token: `Authorization: Bearer <token>`. Compared in constant time. */
export function requireEditor(tokens: readonly string[]): RequestHandler {
  const known = tokens.map(digest);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      res.set('WWW-Authenticate', 'Bearer realm="antenne"');
      return next(
        new AppError(
          401,
          'unauthorized',
          'Authentication required',
          'Send an editor token as "Authorization: Bearer <token>".',
        ),
      );
    }
    const given = digest(match[1]);
    if (!known.some((k) => timingSafeEqual(k, given))) {
      res.set('WWW-Authenticate', 'Bearer realm="antenne", error="invalid_token"');
      return next(
        new AppError(
          401,
          'unauthorized',
          'Invalid token',
          'The editor token is not valid (or was revoked).',
        ),
      );
    }
    next();
  };
}
