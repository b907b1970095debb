/**
 * Whole documents (pure): the embeddable player page and the public episode
 * page, each with the Content-Security-Policy it needs.
 */
import { html, jsonForScript, raw, safeUrl, type SafeHtml } from '../src/http/html.js';
import { PLAYER_STRINGS } from '../src/http/i18n/player.js';
import { clock } from './client/time.js';
import { renderPlayer } from './player-markup.js';
import { styleHash, themeStyle, type Theme } from './theme.js';
import type { EpisodePageView, PlayerView } from './view.js';
import { playerHeight } from './view.js';
import { iframeHtml, PLAYER_WIDTH } from '../src/http/embed-code.js';

export interface AssetUrls {
  readonly js: string;
  readonly css: string;
}

export interface RenderedPage {
  readonly html: string;
  readonly csp: string;
}

function originOf(url: string | null): string | null {
  const safe = safeUrl(url);
  return safe ? new URL(safe).origin : null;
}

/**
 * Only our own origin, plus the artwork's host (the newsroom's images): no
 * other request can leave the player. `frame-ancestors *`: any site may embed it.
 */
function csp(view: PlayerView, mediaOrigin: string, style: string | null, frameAncestors: string) {
  const self = `'self' ${mediaOrigin}`;
  const art = originOf(view.artworkUrl);
  return [
    "default-src 'none'",
    `script-src ${self}`,
    `style-src ${self}${style ? ` ${styleHash(style)}` : ''}`,
    `img-src ${self}${art ? ` ${art}` : ''}`,
    `media-src ${self}`,
    `connect-src ${self}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

const schemeClass = (theme: Theme) => `t-${theme.scheme}`;

export function renderEmbedPage(
  view: PlayerView,
  options: { startAt: number | null; theme: Theme; assets: AssetUrls; mediaOrigin: string },
): RenderedPage {
  const style = themeStyle(options.theme);
  const doc = html`<!doctype html>
    <html lang="${view.lang}" class="${schemeClass(options.theme)} embed">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="referrer" content="strict-origin-when-cross-origin" />
        <title>${view.title} — ${view.showTitle}</title>
        <link rel="stylesheet" href="${options.assets.css}" />
        ${style ? html`<style>${raw(style)}</style>` : ''}
        <script src="${options.assets.js}" defer></script>
      </head>
      <body>
        ${renderPlayer(view, { startAt: options.startAt, headingLevel: 1 })}
      </body>
    </html> `;
  return { html: doc.value, csp: csp(view, options.mediaOrigin, style, '*') };
}

/** ISO 8601 duration for schema.org: 83.4 → "PT1M23S". */
export function isoDuration(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}

export function episodeJsonLd(page: EpisodePageView, seriesUrl: string): Record<string, unknown> {
  const p = page.player;
  return {
    '@context': 'https://schema.org',
    '@type': 'PodcastEpisode',
    '@id': p.pageUrl,
    url: p.pageUrl,
    name: p.title,
    description: page.summaryText,
    datePublished: page.publishedAt.toISOString(),
    inLanguage: p.lang,
    timeRequired: isoDuration(p.durationSeconds),
    ...(p.artworkUrl ? { image: p.artworkUrl } : {}),
    ...(page.author ? { author: { '@type': 'Person', name: page.author } } : {}),
    ...(page.people.length
      ? { actor: page.people.map((person) => ({ '@type': 'Person', name: person.name })) }
      : {}),
    associatedMedia: {
      '@type': 'AudioObject',
      contentUrl: p.audio.url,
      encodingFormat: p.audio.type,
      contentSize: String(p.audio.bytes),
      duration: isoDuration(p.durationSeconds),
      embedUrl: p.embedUrl,
    },
    partOfSeries: {
      '@type': 'PodcastSeries',
      name: p.showTitle,
      url: seriesUrl,
      webFeed: page.feedUrl,
    },
    isBasedOn: p.articleUrl,
  };
}

const LOCALE = { fr: 'fr_FR', en: 'en_US' } as const;

export function renderEpisodePage(
  page: EpisodePageView,
  options: {
    startAt: number | null;
    theme: Theme;
    assets: AssetUrls;
    mediaOrigin: string;
    showSiteUrl: string;
  },
): RenderedPage {
  const p = page.player;
  const t = PLAYER_STRINGS[p.lang];
  const style = themeStyle(options.theme);
  const height = playerHeight(p);
  const date = new Intl.DateTimeFormat(p.lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
  }).format(page.publishedAt);
  const article = safeUrl(p.articleUrl);
  const site = safeUrl(options.showSiteUrl);
  const image = safeUrl(p.artworkUrl);
  const people: SafeHtml[] = page.people.map((person, i) =>
    person.role
      ? html`${i ? ', ' : ''}${person.name} (${person.role})`
      : html`${i ? ', ' : ''}${person.name}`,
  );
  const doc = html`<!doctype html>
    <html lang="${p.lang}" class="${schemeClass(options.theme)} page">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${p.title} — ${p.showTitle}</title>
        <meta name="description" content="${page.summaryText}" />
        <link rel="canonical" href="${p.pageUrl}" />
        <link
          rel="alternate"
          type="application/json+oembed"
          href="${`${page.oembedUrl}&format=json`}"
          title="${p.title}"
        />
        <link
          rel="alternate"
          type="text/xml+oembed"
          href="${`${page.oembedUrl}&format=xml`}"
          title="${p.title}"
        />
        <link
          rel="alternate"
          type="application/rss+xml"
          href="${page.feedUrl}"
          title="${p.showTitle}"
        />
        <meta property="og:type" content="article" />
        <meta property="og:site_name" content="${p.showTitle}" />
        <meta property="og:title" content="${p.title}" />
        <meta property="og:description" content="${page.summaryText}" />
        <meta property="og:url" content="${p.pageUrl}" />
        <meta property="og:locale" content="${LOCALE[p.lang]}" />
        ${image ? html`<meta property="og:image" content="${image}" />` : ''}
        <meta property="og:audio" content="${p.audio.url}" />
        <meta property="og:audio:type" content="${p.audio.type}" />
        <meta property="article:published_time" content="${page.publishedAt.toISOString()}" />
        <meta name="twitter:card" content="player" />
        <meta name="twitter:title" content="${p.title}" />
        <meta name="twitter:description" content="${page.summaryText}" />
        ${image ? html`<meta name="twitter:image" content="${image}" />` : ''}
        <meta name="twitter:player" content="${p.embedUrl}" />
        <meta name="twitter:player:width" content="${PLAYER_WIDTH}" />
        <meta name="twitter:player:height" content="${height}" />
        <meta name="twitter:player:stream" content="${p.audio.url}" />
        <meta name="twitter:player:stream:content_type" content="${p.audio.type}" />
        <script type="application/ld+json">
          ${jsonForScript(episodeJsonLd(page, site ?? p.pageUrl))}
        </script>
        <link rel="stylesheet" href="${options.assets.css}" />
        ${style ? html`<style>${raw(style)}</style>` : ''}
        <script src="${options.assets.js}" defer></script>
      </head>
      <body>
        <main class="pg">
          <p class="pg-show">${site ? html`<a href="${site}">${p.showTitle}</a>` : p.showTitle}</p>
          <h1 class="pg-title">${p.title}</h1>
          <p class="pg-byline">
            ${page.author ? html`${t.by} ${page.author} · ` : ''}<time
              datetime="${page.publishedAt.toISOString()}"
              >${date}</time
            >
            · ${clock(p.durationSeconds)}
          </p>
          ${people.length ? html`<p class="pg-people">${t.with} : ${people}</p>` : ''}
          ${renderPlayer(p, { startAt: options.startAt, headingLevel: 2 })}
          ${
            page.corrections.length
              ? html`<section class="pg-corrections" aria-labelledby="pg-corrections-title">
                <h2 id="pg-corrections-title">${t.corrections}</h2>
                ${page.corrections.map(
                  (c) =>
                    html`<p>
                      <strong><time datetime="${c.at}">${c.heading}</time></strong> — ${c.note}
                    </p>`,
                )}
              </section>`
              : ''
          }
          ${page.summaryHtml ? html`<div class="pg-summary">${raw(page.summaryHtml)}</div>` : ''}
          ${article ? html`<p><a href="${article}">${t.readArticle}</a></p>` : ''}
          <section class="pg-embed">
            <h2><label for="embed-code">${t.embedCode}</label></h2>
            <p>${t.embedHelp}</p>
            <textarea id="embed-code" readonly rows="3">${page.embedCode}</textarea>
          </section>
        </main>
      </body>
    </html> `;
  return { html: doc.value, csp: csp(p, options.mediaOrigin, style, "'self'") };
}

export function embedCodeFor(view: PlayerView): string {
  return iframeHtml(view.embedUrl, PLAYER_WIDTH, playerHeight(view), view.title);
}
