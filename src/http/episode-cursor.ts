/** Paging through a show's episodes (newest article first): the cursor and the query. */
import { z } from 'zod';
import { RECORD_ID } from '../core/schemas.js';

/** Position in a show's episode list: the last episode of the previous page. */
export interface EpisodeCursor {
  readonly publishedAt: Date;
  readonly id: string;
}

export const encodeEpisodeCursor = (c: EpisodeCursor): string =>
  Buffer.from(`${c.publishedAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');

const cursorSchema = z
  .string()
  .max(200, 'is not a cursor from this list')
  .transform((value, ctx): EpisodeCursor => {
    const [at, id, extra] = Buffer.from(value, 'base64url').toString('utf8').split('|');
    const publishedAt = new Date(at ?? '');
    if (extra !== undefined || !id || !RECORD_ID.test(id) || isNaN(publishedAt.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor from this list' });
      return z.NEVER;
    }
    return { publishedAt, id };
  });

/** GET /api/shows/:slug/episodes?limit&cursor */
export const episodePageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50),
  cursor: cursorSchema.optional(),
});
