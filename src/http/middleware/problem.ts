import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, type FieldError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

/** RFC 9457 problem details: the one shape of every error this API answers. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: readonly FieldError[];
}

export function sendProblem(res: Response, error: AppError, instance?: string): void {
  const body: ProblemBody = {
    type: `/problems/${error.code}`,
    title: error.title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
  res
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(body));
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

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (!req.complete) {
      // Refused before the body was read (401, 404, 413…): drain it so the client
      // can read this answer, and do not reuse the connection.
      res.set('Connection', 'close');
      req.resume();
    }
    const known = error instanceof AppError ? error : fromHttpError(error);
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
