import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { problemSchema } from '../representations/problem.js';

/** RFC 9457 problem details: the one shape of every error this API answers (documented as Problem). */
export type ProblemBody = z.input<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemBody(error: AppError, instance?: string): ProblemBody {
  return {
    type: `/problems/${error.code}`,
    title: error.title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: [...error.errors] } : {}),
    ...error.extensions,
  };
}

export function sendProblem(res: Response, error: AppError, instance?: string): void {
  res
    .status(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemBody(error, instance)));
}

/** Errors from Express's own parsers (body too large, bad JSON) carry a status. */
function fromHttpError(error: unknown): AppError | null {
  const e = error as {
    status?: number;
    statusCode?: number;
    type?: string;
    message?: string;
    expose?: boolean;
  };
  const status = e.status ?? e.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  if (e.type === 'entity.parse.failed') {
    return new AppError(400, 'malformed-json', 'The request body is not valid JSON', e.message);
  }
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
    return new AppError(
      415,
      'unsupported-media-type',
      'Send the request body as UTF-8 JSON',
      e.message,
    );
  }
  if (e.type === 'entity.too.large') {
    return new AppError(413, 'too-large', 'The request body is too large', e.message);
  }
  return new AppError(status, 'bad-request', 'Bad request', e.expose ? e.message : undefined);
}

/**
 * Two writes racing past a "does it exist?" check (the same e-mail, slug or topic at
 * once) meet the database's unique constraint: that is the client's conflict, not ours.
 */
function fromUniqueViolation(error: unknown): AppError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== '23505') return null;
  return new AppError(
    409,
    'conflict',
    'Already exists',
    'Another request created the same record a moment ago; reload and try again.',
  );
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.writableEnded) {
      // Already answered: after a 408 (src/http/body-timeouts.ts) this is the body's
      // reader seeing the connection go, nothing to report; anything else is a bug.
      logger[req.destroyed ? 'debug' : 'error'](
        { err: error, method: req.method, url: req.originalUrl },
        'error after the answer was sent',
      );
      return;
    }
    if (res.headersSent) return next(error);
    // Refused before the body was read (401, 404, 413…)? src/http/lingering-close.ts
    // closes the connection after this answer without resetting it under the client.
    const known =
      error instanceof AppError ? error : (fromHttpError(error) ?? fromUniqueViolation(error));
    if (known) return sendProblem(res, known, req.originalUrl);
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
    sendProblem(
      res,
      new AppError(
        500,
        'internal',
        'Internal server error',
        'Something went wrong on our side; it has been logged.',
      ),
      req.originalUrl,
    );
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(
    res,
    new AppError(404, 'not-found', 'Not found', `Nothing is served at ${req.method} ${req.path}.`),
    req.originalUrl,
  );
};
