/** Server-rendered studio pages: plain HTML with labelled controls; scripts only add behaviour. */
import escapeHtml from 'escape-html';
import { stateLabel, type Strings, type StudioLang } from './i18n.js';

const e = (v: string | number | null | undefined) =>
  escapeHtml(v === null || v === undefined ? '' : String(v));

export interface PageContext {
  readonly lang: StudioLang;
  readonly t: Strings;
  readonly user: { readonly name: string; readonly role: string } | null;
  readonly csrfToken: string | null;
  readonly assets: { readonly js: string; readonly css: string };
  /** Path of this page, for the language switch. */
  readonly path: string;
}

export function layout(ctx: PageContext, page: string, title: string, body: string): string {
  const { t } = ctx;
  const other = ctx.lang === 'fr' ? 'en' : 'fr';
  const nav = ctx.user
    ? `<nav aria-label="${e(t.studio)}"><ul>
<li><a href="/studio/shows">${e(t.shows)}</a></li>
${ctx.user.role === 'admin' ? `<li><a href="/studio/tokens">${e(t.tokens)}</a></li><li><a href="/studio/queues">${e(t.queues)}</a></li>` : ''}
<li><a href="/api/docs">${e(t.apiDocs)}</a></li>
<li><button type="button" id="sign-out">${e(t.signOut)}</button> <span class="who">${e(ctx.user.name)}</span></li>
</ul></nav>`
    : '';
  return `<!doctype html>
<html lang="${ctx.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)} · ${e(t.studio)}</title>
<link rel="stylesheet" href="${e(ctx.assets.css)}">
${ctx.csrfToken ? `<meta name="csrf-token" content="${e(ctx.csrfToken)}">` : ''}
<script type="application/json" id="strings">${JSON.stringify(t).replace(/</g, '\\u003c')}</script>
<script src="${e(ctx.assets.js)}" defer></script>
</head><body data-page="${e(page)}">
<a class="skip" href="#main">${e(t.skip)}</a>
<header><a class="brand" href="/studio">${e(t.studio)}</a>${nav}
<a class="lang" hreflang="${other}" lang="${other}" href="/studio/lang/${other}?next=${encodeURIComponent(ctx.path)}">${e(t.language)}</a></header>
<main id="main" tabindex="-1"><h1>${e(title)}</h1>
${body}
</main></body></html>`;
}

const field = (
  name: string,
  label: string,
  opts: { type?: string; required?: boolean; value?: string; hint?: string; attrs?: string } = {},
) => {
  const id = `f-${name.replace(/\./g, '-')}`;
  const hint = opts.hint ? `<p class="hint" id="${id}-hint">${e(opts.hint)}</p>` : '';
  const described = `aria-describedby="${id}-error${opts.hint ? ` ${id}-hint` : ''}"`;
  const input =
    opts.type === 'textarea'
      ? `<textarea id="${id}" name="${e(name)}" rows="4" ${described} ${opts.required ? 'required' : ''} ${opts.attrs ?? ''}>${e(opts.value)}</textarea>`
      : `<input id="${id}" name="${e(name)}" type="${opts.type ?? 'text'}" value="${e(opts.value)}" ${described} ${opts.required ? 'required' : ''} ${opts.attrs ?? ''}>`;
  return `<div class="field"><label for="${id}">${e(label)}</label>${hint}${input}<p class="error" id="${id}-error" data-error-for="${e(name)}" role="alert"></p></div>`;
};

export function loginPage(ctx: PageContext, next: string): string {
  const { t } = ctx;
  return layout(
    ctx,
    'login',
    t.signIn,
    `<form id="login-form" data-next="${e(next)}" novalidate>
${field('email', t.email, { type: 'email', required: true, attrs: 'autocomplete="username"' })}
${field('password', t.password, { type: 'password', required: true, attrs: 'autocomplete="current-password"' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.signIn)}</button></form>`,
  );
}

export interface ShowRow {
  readonly slug: string;
  readonly title: string;
  readonly episodes: number;
  readonly feedUrl: string;
}

export function showsPage(ctx: PageContext, shows: readonly ShowRow[]): string {
  const { t } = ctx;
  const list = shows.length
    ? `<table><thead><tr><th scope="col">${e(t.title)}</th><th scope="col">${e(t.episodes)}</th><th scope="col">${e(t.feed)}</th></tr></thead><tbody>
${shows
  .map(
    (s) =>
      `<tr><td><a href="/studio/shows/${e(s.slug)}">${e(s.title)}</a></td><td>${s.episodes}</td><td><a href="${e(s.feedUrl)}">${e(s.slug)}.xml</a></td></tr>`,
  )
  .join('\n')}</tbody></table>`
    : `<p>${e(t.noShows)}</p>`;
  return layout(
    ctx,
    'shows',
    t.shows,
    `${list}
<h2>${e(t.newShow)}</h2>
<form id="show-form" novalidate>
${field('slug', t.slug, { required: true, attrs: 'pattern="[a-z0-9-]+"' })}
${field('title', t.title, { required: true })}
${field('description', t.description, { type: 'textarea', required: true })}
${field('author', t.author, { required: true })}
${field('owner.name', t.ownerName, { required: true })}
${field('owner.email', t.ownerEmail, { type: 'email', required: true })}
${field('category', t.category, { required: true, value: 'News' })}
${field('siteUrl', t.siteUrl, { type: 'url', required: true })}
${field('imageUrl', t.imageUrl, { type: 'url', hint: t.artworkRules })}
${field('language', t.language2, { value: ctx.lang })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.create)}</button></form>`,
  );
}

export interface EpisodeRow {
  readonly id: string;
  readonly title: string;
  readonly state: string;
  readonly durationSeconds: number | null;
  readonly publishedAt: string | null;
  readonly loudness: string | null;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function showPage(
  ctx: PageContext,
  show: { slug: string; title: string; feedUrl: string },
  episodes: readonly EpisodeRow[],
): string {
  const { t } = ctx;
  const rows = episodes.length
    ? `<table><thead><tr><th scope="col">${e(t.title)}</th><th scope="col">${e(t.state)}</th><th scope="col">${e(t.duration)}</th><th scope="col">${e(t.publishTime)}</th><th scope="col">${e(t.loudness)}</th></tr></thead><tbody>
${episodes
  .map(
    (ep) =>
      `<tr><td><a href="/studio/episodes/${e(ep.id)}">${e(ep.title)}</a></td><td><span class="state state-${e(ep.state)}">${e(stateLabel(t, ep.state))}</span></td><td>${e(formatDuration(ep.durationSeconds))}</td><td>${ep.publishedAt ? `<time datetime="${e(ep.publishedAt)}">${e(ep.publishedAt)}</time>` : '—'}</td><td>${e(ep.loudness ?? '—')}</td></tr>`,
  )
  .join('\n')}</tbody></table>`
    : `<p>${e(t.noEpisodes)}</p>`;
  return layout(
    ctx,
    'show',
    show.title,
    `<p><a class="button" href="/studio/shows/${e(show.slug)}/new">${e(t.newEpisode)}</a> · <a href="${e(show.feedUrl)}">${e(t.feed)}</a></p>
<h2>${e(t.episodes)}</h2>${rows}`,
  );
}

export function newEpisodePage(ctx: PageContext, show: { slug: string; title: string }): string {
  const { t } = ctx;
  return layout(
    ctx,
    'new-episode',
    `${t.newEpisode} — ${show.title}`,
    `<form id="prefill-form" novalidate>
${field('prefillUrl', t.articleUrl, { type: 'url', required: true })}
<button type="submit" id="prefill-button">${e(t.prefill)}</button>
<p class="status" id="prefill-status" role="status" aria-live="polite"></p></form>
<form id="episode-form" data-show="${e(show.slug)}" novalidate>
${field('title', t.title, { required: true })}
${field('articleUrl', t.articleUrl, { type: 'url', required: true })}
${field('summary', t.summary, { type: 'textarea' })}
${field('author', t.byline)}
${field('publishedAt', t.date, { hint: '2018-05-31T09:30:00+02:00' })}
${field('categories', t.categories, { type: 'textarea' })}
${field('imageUrl', t.imageUrl, { type: 'url' })}
${field('language', t.language2, { value: 'fr' })}
${field('source', t.source)}
<div class="field"><span class="label" id="audio-label">${e(t.audio)}</span>
<div class="dropzone" id="dropzone" aria-labelledby="audio-label"><p>${e(t.dropHere)}</p>
<label class="button" for="f-audio">${e(t.chooseFile)}</label>
<input id="f-audio" name="audio" type="file" accept="audio/*,.mp3,.wav,.m4a,.flac,.ogg,.opus" class="visually-hidden" aria-describedby="f-audio-error">
<p id="file-name"></p></div>
<p class="error" id="f-audio-error" data-error-for="audio" role="alert"></p></div>
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit" id="upload-button">${e(t.upload)}</button>
</form>
<section id="upload-section" hidden><h2>${e(t.uploading)}</h2>
<label for="upload-progress">${e(t.uploadProgress)}</label>
<progress id="upload-progress" max="100" value="0"></progress>
<p id="upload-text" role="status" aria-live="polite"></p></section>`,
  );
}

export interface EpisodeView {
  readonly id: string;
  readonly title: string;
  readonly state: string;
  readonly progress: number;
  readonly failureReason: string | null;
  readonly showSlug: string;
  readonly renditions: readonly { profile: string; url: string; mimeType: string; bytes: number }[];
  readonly loudness: string | null;
  readonly embedCode: string;
  readonly oembedUrl: string;
  readonly canPublish: boolean;
  readonly peaksUrl: string | null;
  readonly durationSeconds: number | null;
  readonly clips: readonly { title: string; start: number; end: number; state: string }[];
}

export function episodePage(ctx: PageContext, ep: EpisodeView): string {
  const { t } = ctx;
  const mp3 = ep.renditions.find((r) => r.mimeType === 'audio/mpeg') ?? ep.renditions[0];
  const renditions = ep.renditions
    .map(
      (r) =>
        `<li><a href="${e(r.url)}">${e(r.profile)}</a> (${e(r.mimeType)}, ${Math.round(r.bytes / 1024)} kB)</li>`,
    )
    .join('');
  const published = ep.state === 'published';
  return layout(
    ctx,
    'episode',
    ep.title,
    `<p><a href="/studio/shows/${e(ep.showSlug)}">${e(t.back)}</a></p>
<section id="processing" data-episode="${e(ep.id)}" data-state="${e(ep.state)}">
<p>${e(t.state)} : <strong id="episode-state" class="state state-${e(ep.state)}">${e(stateLabel(t, ep.state))}</strong></p>
<label for="processing-progress">${e(t.processingProgress)}</label>
<progress id="processing-progress" max="100" value="${ep.progress}"></progress>
<p id="processing-text" role="status" aria-live="polite">${ep.progress} %</p>
<p class="error" id="failure" role="alert">${e(ep.failureReason)}</p></section>
<section id="ready-section" ${ep.renditions.length ? '' : 'hidden'}>
<h2>${e(t.preview)}</h2>
${published ? `<iframe id="preview" title="${e(t.preview)}" src="/embed/episodes/${e(ep.id)}" width="100%" height="180"></iframe>` : mp3 ? `<audio id="preview-audio" controls preload="none" src="${e(mp3.url)}"></audio>` : ''}
${ep.loudness ? `<p>${e(t.loudness)} : ${e(ep.loudness)}</p>` : ''}
<h2>${e(t.renditions)}</h2><ul id="renditions">${renditions}</ul>
${
  ep.canPublish
    ? `<h2>${e(t.publishTime)}</h2><div class="actions">
<button type="button" id="publish-now">${e(t.publishNow)}</button>
<label for="schedule-at">${e(t.schedule)}</label><input type="datetime-local" id="schedule-at">
<button type="button" id="schedule">${e(t.schedule)}</button>
<button type="button" id="unpublish">${e(t.unpublish)}</button>
<p class="error" id="publish-error" role="alert"></p></div>`
    : ''
}
<h2>${e(t.clips)}</h2>
<ul id="clips">${ep.clips.map((c) => `<li>${e(c.title)} (${c.start}–${c.end} s) <span class="state state-${e(c.state)}">${e(stateLabel(t, c.state))}</span></li>`).join('')}</ul>
${
  ep.peaksUrl
    ? `<canvas id="waveform" width="800" height="100" data-peaks="${e(ep.peaksUrl)}" data-duration="${ep.durationSeconds ?? 0}" aria-label="${e(t.waveform)}" role="img"></canvas>`
    : ''
}
<form id="clip-form" novalidate><p class="hint">${e(t.clipHelp)}</p>
${field('title', t.clipTitle, { required: true })}
${field('start', t.clipStart, { type: 'number', required: true, attrs: 'step="0.1" min="0"' })}
${field('end', t.clipEnd, { type: 'number', required: true, attrs: 'step="0.1" min="0"' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.createClip)}</button></form>
<h2>${e(t.embedCode)}</h2>
<label for="embed-code">${e(t.embedCode)}</label>
<textarea id="embed-code" readonly rows="3">${e(ep.embedCode)}</textarea>
<button type="button" class="copy" data-copy="embed-code">${e(t.copy)}</button>
<label for="oembed-url">${e(t.oembedUrl)}</label>
<input id="oembed-url" readonly value="${e(ep.oembedUrl)}">
<button type="button" class="copy" data-copy="oembed-url">${e(t.copy)}</button>
<p role="status" aria-live="polite" id="copy-status"></p>
</section>`,
  );
}

export interface TokenRow {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export function tokensPage(ctx: PageContext, tokens: readonly TokenRow[]): string {
  const { t } = ctx;
  const rows = tokens
    .map(
      (k) =>
        `<tr><td>${e(k.name)}</td><td><code>${e(k.prefix)}…</code></td><td>${e(k.createdAt)}</td><td>${e(k.lastUsedAt ?? t.never)}</td><td>${
          k.revokedAt
            ? e(t.revoked)
            : `<button type="button" class="revoke" data-id="${e(k.id)}" aria-label="${e(`${t.revoke} ${k.name}`)}">${e(t.revoke)}</button>`
        }</td></tr>`,
    )
    .join('\n');
  return layout(
    ctx,
    'tokens',
    t.tokens,
    `<table><thead><tr><th scope="col">${e(t.title)}</th><th scope="col">${e(t.prefix)}</th><th scope="col">${e(t.created)}</th><th scope="col">${e(t.lastUsed)}</th><th scope="col"></th></tr></thead><tbody>${rows}</tbody></table>
<h2>${e(t.createToken)}</h2>
<form id="token-form" novalidate>${field('name', t.tokenName, { required: true })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.createToken)}</button></form>
<div id="new-token" hidden role="status"><p>${e(t.tokenOnce)}</p><label for="token-value">Token</label><input id="token-value" readonly></div>`,
  );
}

export function forbiddenPage(ctx: PageContext): string {
  return layout(ctx, 'forbidden', ctx.t.forbidden, `<p>${e(ctx.t.forbiddenText)}</p>`);
}
