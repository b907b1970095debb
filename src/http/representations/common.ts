/** Field types every representation shares. */
import { z } from 'zod';

/** An instant, as ISO 8601 in UTC (`Date.toISOString()`); documented by format, not by pattern. */
export const timestamp = z.string().meta({ format: 'date-time' });
export const url = z.string().describe('An absolute URL');
export const count = z.int().min(0);

/**
 * Names `schema` as the resource `id`: the OpenAPI document describes it once
 * (components.schemas, from zod's global registry) and refers to it elsewhere.
 */
export const resource = <T extends z.ZodType>(id: string, schema: T): T => schema.meta({ id });
