/**
 * The embed code a newsroom pastes into an article: the player's iframe and its
 * size. Shared by the player's oEmbed answer and the studio's "copy the code" box.
 */
import { html } from './html.js';

export const PLAYER_WIDTH = 640;

/** Taller when the player lists chapters or a transcript under the controls. */
export const playerHeightWith = (chaptersOrTranscript: boolean): number =>
  chaptersOrTranscript ? 420 : 190;

/** The embed code (a string: it goes into JSON, XML and a textarea, each escaping it again). */
export function iframeHtml(src: string, width: number, height: number, title: string): string {
  // prettier-ignore
  return html`<iframe src="${src}" width="${width}" height="${height}" title="${title}" loading="lazy" allow="clipboard-write" referrerpolicy="strict-origin-when-cross-origin" style="border:0;max-width:100%"></iframe>`.value;
}
