import { z } from 'zod';

/**
 * JSON sent as text in a form field (a list, a person, a chapters document):
 * malformed JSON is an issue on that field, never taken as plain text.
 */
export function parseJsonText(text: string, ctx: z.RefinementCtx, expected: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `is not valid JSON (${expected} was expected): ${(error as Error).message}`,
    });
    return z.NEVER;
  }
}
