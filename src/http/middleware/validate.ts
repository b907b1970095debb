import type { z } from 'zod';
import { validationFailed } from '../../core/errors.js';
import { fieldErrors } from '../../core/schemas.js';

/** Parses with zod or throws a 400 problem naming every offending field. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}
