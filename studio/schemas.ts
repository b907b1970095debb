/** Request and response shapes of the studio's API routes (also used by the OpenAPI document). */
import { z } from 'zod';

export const prefillRequestSchema = z.object({
  url: z.string().trim().min(1, 'is required').max(2048, 'must be at most 2048 characters'),
});

export const prefillResponseSchema = z.object({
  articleUrl: z.string(),
  title: z.string().nullable(),
  summary: z.string().nullable(),
  author: z.string().nullable(),
  publishedAt: z.string().nullable(),
  imageUrl: z.string().nullable(),
  categories: z.array(z.string()),
  language: z.string().nullable(),
  source: z.string().nullable(),
});
