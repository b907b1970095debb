/**
 * `PATCH /api/shows/:slug/feed-location`: moving a show's feed. A new slug
 * moves it within Antenne (the old URL answers 301); a feed URL on another host
 * is announced in the feed (`itunes:new-feed-url`), `null` takes it back.
 */
import { z } from 'zod';
import { slugSchema } from './schemas.js';

export const feedLocationSchema = z
  .object({
    slug: slugSchema.optional(),
    newFeedUrl: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
      .max(2048, 'must be at most 2048 characters')
      .nullable()
      .optional(),
  })
  .strict()
  .refine((v) => v.slug !== undefined || v.newFeedUrl !== undefined, {
    message: 'send slug, newFeedUrl, or both',
    path: ['slug'],
  });
export type FeedLocationInput = z.infer<typeof feedLocationSchema>;
