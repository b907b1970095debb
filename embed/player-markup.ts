/**
 * The player as HTML (pure). Without JavaScript it is a working <audio controls>
 * with chapter and transcript links (`?t=`); the script hides the native
 * controls and drives the richer interface built here.
 */
import { attributes, html, safeUrl, type SafeHtml } from '../src/http/html.js';
import { CLIENT_KEYS, PLAYER_STRINGS, SPEEDS, speedLabel } from '../src/http/i18n/player.js';
import { clock } from './client/time.js';
import type { PlayerView } from './view.js';

/** A 24×24 icon drawn by one path; decorative (its button carries the label). */
const icon = (path: string, className?: string) =>
  html`<svg${attributes({ class: className })} viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${path}" /></svg>`;

const ICON_PLAY = icon('M8 5v14l11-7z', 'ap-i-play');
const ICON_PAUSE = icon('M6 5h4v14H6zm8 0h4v14h-4z', 'ap-i-pause');
const ICON_SHARE = icon(
  'M18 16a3 3 0 0 0-2.4 1.2l-6.7-3.4a3 3 0 0 0 0-1.6l6.7-3.4A3 3 0 1 0 15 7l-6.7 3.4a3 3 0 1 0 0 3.2L15 17a3 3 0 1 0 3-1z',
);
const ICON_PREV = icon('M6 6h2v12H6zm3.5 6 8.5 6V6z');
const ICON_NEXT = icon('M16 6h2v12h-2zM6 18l8.5-6L6 6z');

export interface PlayerOptions {
  /** Playback start from `?t=`: also put in the audio URL as a media fragment (works without JS). */
  readonly startAt: number | null;
  /** The embed page titles the player with <h1>; the public page has its own. */
  readonly headingLevel: 1 | 2;
}

export function renderPlayer(view: PlayerView, options: PlayerOptions): SafeHtml {
  const t = PLAYER_STRINGS[view.lang];
  const client = Object.fromEntries(CLIENT_KEYS.map((k) => [k, t[k]]));
  const src = options.startAt !== null ? `${view.audio.url}#t=${options.startAt}` : view.audio.url;
  const article = safeUrl(view.articleUrl);
  const artwork = safeUrl(view.artworkUrl);
  const titleLink = article
    ? html`<a href="${article}" target="_blank" rel="noopener">${view.title}</a>`
    : view.title;
  const heading =
    options.headingLevel === 1
      ? html`<h1 class="ap-title">${titleLink}</h1>`
      : html`<h2 class="ap-title">${titleLink}</h2>`;
  const hasChapters = view.chapters.length > 0;

  return html`<div
    class="ap"
    data-player
    data-kind="${view.kind}"
    data-duration="${view.durationSeconds}"
    data-peaks="${view.peaksUrl ?? ''}"
    data-share="${view.shareUrl}"
    data-start="${options.startAt ?? ''}"
    data-lang="${view.lang}"
    data-listens="${view.listensUrl ?? ''}"
    data-episode="${view.kind === 'episode' ? view.id : ''}"
    data-i18n="${JSON.stringify(client)}"
    role="region"
    aria-label="${t.player} : ${view.title}"
  >
    <div class="ap-head">
      ${artwork ? html`<img class="ap-art" src="${artwork}" alt="" width="72" height="72" referrerpolicy="no-referrer" />` : ''}
      <div class="ap-meta">
        <p class="ap-show">
          ${view.kind === 'clip' ? html`${t.clipOf} « ${view.episodeTitle} » · ` : ''}${view.showTitle}
        </p>
        ${heading}
      </div>
    </div>
    <audio class="ap-audio" controls preload="metadata" src="${src}">
      <p>${t.noAudio} <a href="${view.audio.url}">${view.title}</a></p>
    </audio>
    <div class="ap-ui" hidden>
      <button type="button" class="ap-btn ap-play" aria-label="${t.play}">
        ${ICON_PLAY}${ICON_PAUSE}
      </button>
      ${hasChapters ? html`<button type="button" class="ap-btn ap-prev" aria-label="${t.prevChapter}">${ICON_PREV}</button><button type="button" class="ap-btn ap-next" aria-label="${t.nextChapter}">${ICON_NEXT}</button>` : ''}
      <div class="ap-wave">
        <canvas class="ap-canvas" aria-hidden="true"></canvas
        ><input
          class="ap-seek"
          type="range"
          min="0"
          max="${view.durationSeconds}"
          step="any"
          value="${options.startAt ?? 0}"
          aria-label="${t.seek}"
        />
      </div>
      <span class="ap-time"
        ><span class="ap-cur" aria-label="${t.elapsed}">${clock(options.startAt ?? 0)}</span> /
        <span class="ap-dur" aria-label="${t.duration}">${clock(view.durationSeconds)}</span></span
      >
      <select class="ap-speed" aria-label="${t.speed}">
        ${SPEEDS.map((s) => html`<option value="${s}" ${s === 1 ? html` selected` : ''}>${speedLabel(s, view.lang)}</option>`)}
      </select>
      <button type="button" class="ap-btn ap-share" aria-label="${t.share}">${ICON_SHARE}</button>
      ${view.downloadUrl ? html`<a class="ap-dl" href="${view.downloadUrl}" download>${t.download}</a>` : ''}
    </div>
    <p class="ap-link" hidden>
      <label>${t.linkLabel} <input class="ap-link-input" type="text" readonly /></label>
    </p>
    ${
      hasChapters
        ? html`<nav class="ap-chapters" aria-label="${t.chapters}">
            <h3>${t.chapters}</h3>
            <ol>
              ${view.chapters.map(
                (c) =>
                  html`<li>
                    <a href="?t=${c.startTime}" data-t="${c.startTime}"
                      ><span class="ap-ct">${clock(c.startTime)}</span> ${c.title}</a
                    >
                  </li>`,
              )}
            </ol>
          </nav>`
        : ''
    }
    ${
      view.transcript.length
        ? html`<section class="ap-transcript" aria-label="${t.transcript}">
            <h3>${t.transcript}</h3>
            <div class="ap-cues">
              ${view.transcript.map((c) => html`<p class="ap-cue" data-t="${c.start}" data-e="${c.end}">${c.speaker ? html`<b>${c.speaker}${view.lang === 'fr' ? ' :' : ':'}</b> ` : ''}${c.text}</p>`)}
            </div>
          </section>`
        : ''
    }
    <p class="ap-live sr-only" aria-live="polite"></p>
    <p class="sr-only">${t.keys}</p>
  </div>`;
}
