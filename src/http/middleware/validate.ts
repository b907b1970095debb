/**
 * Validation at the HTTP boundary, the same way for every kind of input: JSON
 * bodies, multipart text fields, path parameters and query strings. Each field
 * that fails is named in the 400 problem (`errors: [{field, message}]`, plus
 * `in: 'path' | 'query'` for parameters), and all text must pass the character
 * rule of `core/text-chars.ts` (no NUL, no lone surrogate, nothing XML cannot carry).
 */
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import {
  AppError,
  fieldProblem,
  validationFailed,
  type FieldError,
  type ParameterLocation,
} from '../../core/errors.js';
import { fieldErrors, type FieldPath } from '../../core/schemas.js';
import { textProblems } from '../../core/text-chars.js';

type Location = 'body' | ParameterLocation;

/**
 * What `req.body` holds when a body came with a Content-Type that express.json
 * does not read: the route that expected JSON answers 415 rather than a list of
 * "is required". multer and express.raw replace it with what they read.
 */
export class UnparsedBody {
  constructor(readonly contentType: string | undefined) {}
}

/** Placed right after express.json: marks a body that was sent but not read as JSON. */
export const markUnparsedBody: RequestHandler = (req, _res, next) => {
  const sent =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
  if (req.body === undefined && sent) req.body = new UnparsedBody(req.headers['content-type']);
  next();
};

/**
 * Parses with zod or throws a 400 problem naming every offending field. Text is
 * checked before the schema (so the problem names it even when other fields are
 * wrong too) and again on the schema's output: JSON text inside a form field
 * (`interviewees=[{"name":"\u0000"}]`) only shows its characters once parsed.
 */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: Location = 'body',
  under: FieldPath = [],
): z.infer<S> {
  if (where === 'body') checkBodyPresent(schema, input);
  const located = (errors: readonly FieldError[]): FieldError[] =>
    where === 'body'
      ? [...errors]
      : errors.map((e) => ({ field: e.field, in: where, message: e.message }));

  const sent = textErrors(input, under);
  const result = schema.safeParse(where === 'body' ? (input ?? {}) : input);
  if (!result.success || sent.length) {
    // One message per field: a bad character is the cause of whatever else the schema says.
    const named = new Set(sent.map((e) => e.field));
    const others = result.success ? [] : fieldErrors(result.error, under);
    throw validationFailed(located([...sent, ...others.filter((e) => !named.has(e.field))]));
  }
  const parsed = textErrors(result.data, under);
  if (parsed.length) throw validationFailed(located(parsed));
  return result.data;
}

/** A path parameter, named as such in the problem (`{field: 'id', in: 'path', …}`). */
export function pathParam<S extends z.ZodType>(req: Request, name: string, schema: S): z.infer<S> {
  return parseOr400(schema, (req.params as Record<string, unknown>)[name], 'path', [name]);
}

/**
 * Every query string passes the character rule, whatever the route reads of it
 * (many reader routes ignore what they do not know; a NUL is refused all the same).
 */
export const queryMustBeText: RequestHandler = (req, _res, next) => {
  const errors = textErrors(req.query, []).map((e) => ({ ...e, in: 'query' as const }));
  next(errors.length ? validationFailed(errors) : undefined);
};

function textErrors(value: unknown, under: FieldPath): FieldError[] {
  return textProblems(value, [...under]).map((p) => ({
    field: p.path.length ? p.path.join('.') : '(body)',
    message: p.message,
  }));
}

/** A JSON route sent another type (415), or no body where the schema needs one (400). */
function checkBodyPresent(schema: z.ZodType, input: unknown): void {
  if (input instanceof UnparsedBody) {
    throw new AppError(
      415,
      'unsupported-media-type',
      'Send the request body as JSON',
      `Use Content-Type application/json${input.contentType ? ` (not ${input.contentType.slice(0, 100)})` : ''}.`,
    );
  }
  if (input === undefined && !schema.safeParse({}).success) {
    throw fieldProblem(
      'The request body is missing',
      { field: '(body)', message: 'is required: send a JSON object' },
      '(body): is required: send a JSON object with Content-Type application/json.',
    );
  }
}
