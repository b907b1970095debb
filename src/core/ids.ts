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

/**
 * The key of one publication of an episode, part of its public media URLs: long
 * enough not to be guessed, new at each publication so a withdrawn URL stays dead.
 */
const publicationNano = customAlphabet('0123456789abcdefghijkmnopqrstuvwxyz', 22);
export const newPublicationKey = (): string => publicationNano();
