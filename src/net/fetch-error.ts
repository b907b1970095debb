import { AppError } from '../core/errors.js';

/**
 * Why a server-side fetch did not happen (`refused`: the address is not one we
 * fetch; nothing was contacted) or did not give an answer we can use (`failed`).
 * The message is a sentence for an editor, without server paths.
 */
export class SafeFetchError extends Error {
  constructor(
    readonly kind: 'refused' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'SafeFetchError';
  }
}

export const refused = (message: string) => new SafeFetchError('refused', message);
export const failed = (message: string) => new SafeFetchError('failed', message);

/**
 * The problem an API answers when a fetch of a URL the caller gave fails: 422
 * when the address is refused, 424 (failed dependency) when the remote side did
 * not answer usefully. Both name the field, and neither is a 5xx: the caller's
 * input, not our server, is what went wrong.
 */
export function fetchProblem(
  error: SafeFetchError,
  field: string,
  failedTitle = 'The address could not be read',
): AppError {
  const errors = [{ field, message: error.message }];
  return error.kind === 'refused'
    ? new AppError(422, 'fetch-refused', 'This address cannot be fetched', error.message, errors)
    : new AppError(424, 'fetch-failed', failedTitle, error.message, errors);
}
