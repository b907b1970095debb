/**
 * The key an item's rendered XML is kept under: a hash of everything the item
 * is rendered from. The episode's side is the index signature (the row's
 * updated_at, which every write bumps, its publication key, its renditions);
 * the rest is here: the show's settings items show (only those: `ItemShow` is
 * all the item renderer can see), the media base URLs (files, and enclosures when counted through
 * the redirect), and the renderer's own
 * version, with the versions of the packages that write the XML.
 */
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Show } from '../core/domain.js';
import type { MediaBase } from '../core/urls.js';
import type { ItemShow } from './podcast-feed.js';

const require = createRequire(import.meta.url);
const versionOf = (name: string) =>
  (require(`${name}/package.json`) as { version: string }).version;

/**
 * Bump the number whenever the same data would give other item XML (podcast-feed.ts's
 * item part, render.ts's choice of enclosure and alternates): every stored item is then
 * rendered again. A new `podcast` or `xml` release does the same by itself.
 */
export const ITEM_RENDERER_VERSION = `items-1 podcast@${versionOf('podcast')} xml@${versionOf('xml')}`;

/** The show's fields an item shows (author, language, explicit, artwork), and nothing else. */
export function itemShow(show: Show): ItemShow {
  return {
    author: show.author,
    language: show.language,
    explicit: show.explicit,
    imageUrl: show.imageUrl,
    artworkKey: show.artworkKey ?? null,
  };
}

/** The key function of one show's items: signature → key. */
export function fragmentKeys(
  show: Show,
  media: MediaBase,
  rendererVersion: string = ITEM_RENDERER_VERSION,
  /** Where enclosures point (the audience counting redirect, or `media`). */
  audio: MediaBase = media,
): (signature: string) => string {
  const context = JSON.stringify([rendererVersion, media, audio, itemShow(show)]);
  // One-shot hash: thousands per rebuild, no hash object each.
  return (signature) => hash('sha256', `${context}\n${signature}`, 'base64url');
}
