/** The list of shows, one show's episodes, and a show's settings. */
import { html, type SafeHtml } from '../../src/http/html.js';
import { fill } from '../../src/http/i18n/lang.js';
import { stateLabel } from '../../src/http/i18n/studio.js';
import { appleCategorySelect, languageSelect } from './choices.js';
import { field, layout, listTable, type PageContext } from './layout.js';
import { qualitySettingsSection } from './quality-settings.js';
import type { QualitySettings } from '../../src/core/quality.js';

/**
 * Slugs: lowercase letters, digits, hyphens. Written for the `v` flag browsers
 * compile `pattern` with (a bare `-` in a class is a syntax error there).
 */
export const SLUG_PATTERN = '[a-z0-9\\-]+';

export interface ShowRow {
  readonly slug: string;
  readonly title: string;
  readonly episodes: number;
  readonly feedUrl: string;
}

export function showsPage(ctx: PageContext, shows: readonly ShowRow[]): SafeHtml {
  const { t } = ctx;
  const list = listTable({
    headings: [t.title, t.episodes, t.feed],
    items: shows,
    row: (s) =>
      html`<tr><td><a href="/studio/shows/${s.slug}">${s.title}</a></td><td>${s.episodes}</td><td><a href="${s.feedUrl}">${s.slug}.xml</a></td></tr>`,
    empty: t.noShows,
  });
  return layout(
    ctx,
    'shows',
    t.shows,
    html`${list}
<h2>${t.newShow}</h2>
<form id="show-form" novalidate>
${field('slug', t.slug, { required: true, hint: t.slugRule, attrs: { pattern: SLUG_PATTERN, 'data-pattern-message': t.slugRule } })}
${field('title', t.title, { required: true })}
${field('description', t.description, { type: 'textarea', required: true })}
${field('author', t.author, { required: true })}
${field('owner.name', t.ownerName, { required: true })}
${field('owner.email', t.ownerEmail, { type: 'email', required: true })}
${appleCategorySelect(t, ctx.lang, { category: 'News', subcategory: null })}
${field('siteUrl', t.siteUrl, { type: 'url', required: true })}
${field('artwork', t.artworkFile, { type: 'file', hint: t.artworkRules, attrs: { accept: 'image/jpeg,image/png' } })}
${field('imageUrl', t.imageUrl, { type: 'url', hint: t.artworkUrlHint })}
${languageSelect(t, ctx.lang, ctx.lang)}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.create}</button></form>`,
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
  audience?: SafeHtml,
): SafeHtml {
  const { t } = ctx;
  const rows = listTable({
    id: 'episodes',
    headings: [t.title, t.state, t.duration, t.publishTime, t.loudness],
    items: episodes,
    row: (ep) =>
      html`<tr><td><a href="/studio/episodes/${ep.id}">${ep.title}</a></td><td><span class="state state-${ep.state}">${stateLabel(t, ep.state)}</span></td><td>${formatDuration(ep.durationSeconds)}</td><td>${ep.publishedAt ? html`<time datetime="${ep.publishedAt}" data-local>${ep.publishedAt}</time>` : '—'}</td><td>${ep.loudness ?? '—'}</td></tr>`,
    empty: t.noEpisodes,
  });
  return layout(
    ctx,
    'show',
    show.title,
    html`<p><a class="button" href="/studio/shows/${show.slug}/new">${t.newEpisode}</a> · <a href="/studio/shows/${show.slug}/settings">${t.showSettings}</a> · <a href="${show.feedUrl}">${t.feed}</a></p>
<h2>${t.episodes}</h2>${rows}
${audience}`,
  );
}

/** What the settings page shows of a show (the API's representation). */
export interface ShowSettingsView {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly author: string;
  readonly owner: { readonly name: string; readonly email: string };
  readonly category: string;
  readonly subcategory: string | null;
  readonly siteUrl: string;
  readonly language: string;
  readonly copyright: string | null;
  readonly explicit: boolean;
  readonly type: string;
  readonly artworkUrl: string | null;
  readonly feedUrl: string;
  /** The quality report's thresholds in effect. */
  readonly quality?: QualitySettings;
}

/** Topic feeds: one feed per article category, for listeners who follow one subject. */
export interface TopicsView {
  readonly topics: readonly { slug: string; title: string; category: string; feedUrl: string }[];
  /** Categories the show's episodes carry, offered as suggestions. */
  readonly categories: readonly string[];
}

function topicsSection(ctx: PageContext, slug: string, view: TopicsView): SafeHtml {
  const { t } = ctx;
  const rows = listTable({
    id: 'topics',
    headings: [t.title, t.topicCategory, t.feed, ''],
    items: view.topics,
    row: (topic) =>
      html`<tr><td>${topic.title}</td><td>${topic.category}</td><td><a href="${topic.feedUrl}">${topic.slug}.xml</a></td><td><button type="button" class="delete-topic" data-topic="${topic.slug}" aria-label="${fill(t.deleteTopicNamed, { title: topic.title })}">${t.deleteTopic}</button></td></tr>`,
    empty: t.noTopics,
  });
  return html`<section aria-labelledby="topics-heading"><h2 id="topics-heading">${t.topicFeeds}</h2>
<p class="hint">${t.topicFeedsHint}</p>
${rows}
<form id="topic-form" data-show="${slug}" novalidate>
${field('slug', t.slug, { required: true, id: 'topic-slug', hint: t.slugRule, attrs: { pattern: SLUG_PATTERN, 'data-pattern-message': t.slugRule } })}
${field('title', t.topicTitle, { required: true, id: 'topic-title' })}
${field('category', t.topicCategory, { required: true, id: 'topic-category', attrs: { list: 'known-categories' } })}
<datalist id="known-categories">${view.categories.map((c) => html`<option value="${c}"></option>`)}</datalist>
${field('description', t.topicDescription, { type: 'textarea', id: 'topic-description' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.createTopic}</button>
<p class="error" id="topic-delete-error" role="alert"></p></form></section>`;
}

/** Where the feed is and was: what the "Feed address" section shows and changes. */
export interface FeedMoveView {
  readonly slug: string;
  readonly newFeedUrl: string | null;
  readonly redirects: readonly { readonly from: string; readonly to: string }[];
}

function feedMoveSection(ctx: PageContext, view: FeedMoveView): SafeHtml {
  const { t } = ctx;
  const former = view.redirects.length
    ? html`<h3>${t.formerFeedUrls}</h3><ul id="former-feed-urls">${view.redirects.map((r) => html`<li><code>${r.from}</code> → <code>${r.to}</code></li>`)}</ul>`
    : html``;
  return html`<section aria-labelledby="feed-move-heading"><h2 id="feed-move-heading">${t.feedAddress}</h2>
<p class="hint">${t.feedAddressHint}</p>
${former}
<form id="feed-move-form" data-show="${view.slug}" novalidate>
${field('slug', t.showSlug, { required: true, id: 'move-slug', value: view.slug, hint: t.slugRule, attrs: { pattern: SLUG_PATTERN, 'data-pattern-message': t.slugRule } })}
${field('newFeedUrl', t.newFeedUrl, { type: 'url', id: 'move-new-feed-url', value: view.newFeedUrl, hint: t.newFeedUrlHint })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.moveFeed}</button>
<p class="status" id="feed-move-status" role="status" aria-live="polite"></p></form></section>`;
}

export function showSettingsPage(
  ctx: PageContext,
  show: ShowSettingsView,
  topics: TopicsView = { topics: [], categories: [] },
  move?: FeedMoveView,
): SafeHtml {
  const { t } = ctx;
  const artwork = show.artworkUrl
    ? html`<img id="artwork-current" src="${show.artworkUrl}" alt="${t.currentArtwork}" width="200" height="200">`
    : html`<p id="artwork-current">${t.noArtwork}</p>`;
  return layout(
    ctx,
    'show-settings',
    `${t.showSettings} — ${show.title}`,
    html`<p><a href="/studio/shows/${show.slug}">${t.back}</a> · <a href="${show.feedUrl}">${t.feed}</a></p>
<section aria-labelledby="artwork-heading"><h2 id="artwork-heading">${t.artwork}</h2>
${artwork}
<form id="artwork-form" data-show="${show.slug}" novalidate>
${field('artwork', t.artworkFile, { type: 'file', hint: t.artworkRules, attrs: { accept: 'image/jpeg,image/png' } })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.uploadArtwork}</button>
<p class="status" id="artwork-status" role="status" aria-live="polite"></p></form></section>
<section aria-labelledby="details-heading"><h2 id="details-heading">${t.showDetails}</h2>
<form id="show-settings-form" data-show="${show.slug}" novalidate>
${field('title', t.title, { required: true, value: show.title })}
${field('description', t.description, { type: 'textarea', required: true, value: show.description })}
${field('author', t.author, { required: true, value: show.author })}
${field('owner.name', t.ownerName, { required: true, value: show.owner.name })}
${field('owner.email', t.ownerEmail, { type: 'email', required: true, value: show.owner.email })}
${appleCategorySelect(t, ctx.lang, show)}
${field('siteUrl', t.siteUrl, { type: 'url', required: true, value: show.siteUrl })}
${languageSelect(t, ctx.lang, show.language)}
${field('copyright', t.copyright, { value: show.copyright })}
${field('type', t.showType, {
  type: 'select',
  value: show.type,
  options: [
    { value: 'episodic', label: t.episodic },
    { value: 'serial', label: t.serial },
  ],
})}
${field('explicit', t.explicit, { type: 'checkbox', checked: show.explicit })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.save}</button>
<p class="status" id="show-settings-status" role="status" aria-live="polite"></p></form></section>
${show.quality ? qualitySettingsSection(t, ctx.lang, show.slug, show.quality) : html``}
${topicsSection(ctx, show.slug, topics)}
${move ? feedMoveSection(ctx, move) : html``}`,
  );
}
