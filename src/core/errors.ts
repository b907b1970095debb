/** Where a request carries a parameter (OpenAPI's `in`); a field without one is in the body. */
export type ParameterLocation = 'path' | 'query';

/** One field that failed validation, as it appears in a problem body. */
export interface FieldError {
  /** Dotted path of the field, e.g. "title" or "interviewees.0.name", or a parameter's name. */
  readonly field: string;
  /** Set for path and query parameters only, so body fields keep their plain shape. */
  readonly in?: ParameterLocation;
  readonly message: string;
}

/**
 * An error with an HTTP meaning. The one error middleware turns it into an
 * RFC 9457 problem body; workers turn it into a human-readable failure reason.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Short, stable slug used in the problem `type` URI. */
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: readonly FieldError[],
    /** RFC 9457 extension members, e.g. the quality report a refused publication carries. */
    readonly extensions?: Readonly<Record<string, unknown>>,
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, detail?: string) =>
  new AppError(404, 'not-found', `${what} not found`, detail);

/** A 400 about one field, with a title (and a detail) written for the case. */
export const fieldProblem = (title: string, error: FieldError, detail?: string) =>
  new AppError(400, 'validation', title, detail, [error]);

export const validationFailed = (errors: readonly FieldError[]) =>
  new AppError(
    400,
    'validation',
    'Some fields are missing or invalid',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );

/** Why an upload can never become an episode (for logs and tests; editors read `reason`). */
export type MediaRefusal =
  | 'not-audio'
  | 'playlist'
  | 'unsupported-format'
  | 'unsupported-codec'
  | 'damaged-header'
  | 'too-long'
  | 'incomplete'
  | 'damaged'
  | 'empty'
  | 'too-short'
  | 'silent';

/**
 * Input that can never be processed (not audio, empty, too long…). Workers
 * fail the episode with `reason` and do not retry. `reason` is shown to
 * editors: it never quotes ffmpeg's output (which names server paths).
 */
export class BadMediaError extends Error {
  constructor(
    readonly reason: string,
    readonly category: MediaRefusal,
  ) {
    super(reason);
    this.name = 'BadMediaError';
  }
}
