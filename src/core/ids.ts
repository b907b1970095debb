import { randomUUID } from 'node:crypto';
import { customAlphabet } from 'nanoid';

/** URL-safe, unambiguous, lowercase: fine in a URL path and an ASCII file name. */
const nano = customAlphabet('0123456789abcdefghijkmnopqrstuvwxyz', 16);

export const newEpisodeId = (): string => nano();
export const newShowId = (): string => nano();
export const newRenditionId = (): string => nano();
/** Ids of accounts, tokens and other records that need no special form. */
export const newId = (): string => nano();

/** An episode guid: opaque, set once, never derived from anything that can change. */
export const newEpisodeGuid = (): string => randomUUID();
