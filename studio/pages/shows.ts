/** The list of shows, one show's episodes, and a show's settings. */
import { stateLabel } from '../i18n.js';
import { e, field, layout, type PageContext } from './html.js';

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
      `<tr><td><a href="/studio/episodes/${e(ep.id)}">${e(ep.title)}</a></td><td><span class="state state-${e(ep.state)}">${e(stateLabel(t, ep.state))}</span></td><td>${e(formatDuration(ep.durationSeconds))}</td><td>${ep.publishedAt ? `<time datetime="${e(ep.publishedAt)}" data-local>${e(ep.publishedAt)}</time>` : '—'}</td><td>${e(ep.loudness ?? '—')}</td></tr>`,
  )
  .join('\n')}</tbody></table>`
    : `<p>${e(t.noEpisodes)}</p>`;
  return layout(
    ctx,
    'show',
    show.title,
    `<p><a class="button" href="/studio/shows/${e(show.slug)}/new">${e(t.newEpisode)}</a> · <a href="/studio/shows/${e(show.slug)}/settings">${e(t.showSettings)}</a> · <a href="${e(show.feedUrl)}">${e(t.feed)}</a></p>
<h2>${e(t.episodes)}</h2>${rows}`,
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
}

/** Topic feeds: one feed per article category, for listeners who follow one subject. */
export interface TopicsView {
  readonly topics: readonly { slug: string; title: string; category: string; feedUrl: string }[];
  /** Categories the show's episodes carry, offered as suggestions. */
  readonly categories: readonly string[];
}

function topicsSection(ctx: PageContext, slug: string, view: TopicsView): string {
  const { t } = ctx;
  const rows = view.topics.length
    ? `<table id="topics"><thead><tr><th scope="col">${e(t.title)}</th><th scope="col">${e(t.topicCategory)}</th><th scope="col">${e(t.feed)}</th><th scope="col"></th></tr></thead><tbody>
${view.topics
  .map(
    (topic) =>
      `<tr><td>${e(topic.title)}</td><td>${e(topic.category)}</td><td><a href="${e(topic.feedUrl)}">${e(topic.slug)}.xml</a></td><td><button type="button" class="delete-topic" data-topic="${e(topic.slug)}" aria-label="${e(`${t.deleteTopic} ${topic.title}`)}">${e(t.deleteTopic)}</button></td></tr>`,
  )
  .join('\n')}</tbody></table>`
    : `<p>${e(t.noTopics)}</p>`;
  return `<section aria-labelledby="topics-heading"><h2 id="topics-heading">${e(t.topicFeeds)}</h2>
<p class="hint">${e(t.topicFeedsHint)}</p>
${rows}
<form id="topic-form" data-show="${e(slug)}" novalidate>
${field('slug', t.slug, { required: true, id: 'topic-slug', attrs: 'pattern="[a-z0-9-]+"' })}
${field('title', t.title, { required: true, id: 'topic-title' })}
${field('category', t.topicCategory, { required: true, id: 'topic-category', attrs: 'list="known-categories"' })}
<datalist id="known-categories">${view.categories.map((c) => `<option value="${e(c)}"></option>`).join('')}</datalist>
${field('description', t.description, { type: 'textarea', id: 'topic-description' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.createTopic)}</button>
<p class="error" id="topic-delete-error" role="alert"></p></form></section>`;
}

export function showSettingsPage(
  ctx: PageContext,
  show: ShowSettingsView,
  topics: TopicsView = { topics: [], categories: [] },
): string {
  const { t } = ctx;
  const artwork = show.artworkUrl
    ? `<img id="artwork-current" src="${e(show.artworkUrl)}" alt="${e(t.currentArtwork)}" width="200" height="200">`
    : `<p id="artwork-current">${e(t.noArtwork)}</p>`;
  return layout(
    ctx,
    'show-settings',
    `${t.showSettings} — ${show.title}`,
    `<p><a href="/studio/shows/${e(show.slug)}">${e(t.back)}</a> · <a href="${e(show.feedUrl)}">${e(t.feed)}</a></p>
<section aria-labelledby="artwork-heading"><h2 id="artwork-heading">${e(t.artwork)}</h2>
${artwork}
<form id="artwork-form" data-show="${e(show.slug)}" novalidate>
${field('artwork', t.artworkFile, { type: 'file', hint: t.artworkRules, attrs: 'accept="image/jpeg,image/png"' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.uploadArtwork)}</button>
<p class="status" id="artwork-status" role="status" aria-live="polite"></p></form></section>
<section aria-labelledby="details-heading"><h2 id="details-heading">${e(t.showDetails)}</h2>
<form id="show-settings-form" data-show="${e(show.slug)}" novalidate>
${field('title', t.title, { required: true, value: show.title })}
${field('description', t.description, { type: 'textarea', required: true, value: show.description })}
${field('author', t.author, { required: true, value: show.author })}
${field('owner.name', t.ownerName, { required: true, value: show.owner.name })}
${field('owner.email', t.ownerEmail, { type: 'email', required: true, value: show.owner.email })}
${field('category', t.category, { required: true, value: show.category })}
${field('subcategory', t.subcategory, { value: show.subcategory })}
${field('siteUrl', t.siteUrl, { type: 'url', required: true, value: show.siteUrl })}
${field('language', t.language2, { value: show.language })}
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
<button type="submit">${e(t.save)}</button>
<p class="status" id="show-settings-status" role="status" aria-live="polite"></p></form></section>
${topicsSection(ctx, show.slug, topics)}`,
  );
}
