import { z } from 'zod';
import { resource } from './common.js';

/** RFC 9457 problem details: the body of every error (src/http/middleware/problem.ts). */
export const problemSchema = resource(
  'Problem',
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.int(),
      detail: z.string().optional(),
      instance: z.string().optional(),
      errors: z
        .array(
          z.object({
            field: z.string().describe('e.g. "title", "interviewees.0.name"'),
            in: z
              .enum(['path', 'query'])
              .optional()
              .describe('For a path or query parameter; absent for a body field'),
            message: z.string(),
          }),
        )
        .optional(),
      report: z
        .unknown()
        .optional()
        .describe(
          'The quality report (a QualityReport), when publishing is refused for its blocking findings',
        ),
    })
    .describe('RFC 9457 problem details'),
);
