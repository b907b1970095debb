/**
 * The audience section of the show and episode pages: a period form (GET), downloads
 * per day as an SVG chart with the same figures in a table, downloads per app and per
 * platform, the show's most downloaded episodes, and links to the CSV exports.
 */
import {
  DEFAULT_RANGE_DAYS,
  rangeQuerySchema,
  resolveRange,
  type DayRange,
} from '../../src/core/audience-range.js';
import { html, type SafeHtml } from '../../src/http/html.js';
import { AUDIENCE_STRINGS, appName, platformName } from '../../src/http/i18n/audience.js';
import { fill, type Lang } from '../../src/http/i18n/lang.js';
import type {
  AudienceFigures,
  EpisodeAudience,
  ShowAudience,
} from '../../src/services/audience-reports.js';
import { barChart } from './audience-chart.js';
import type { PageContext } from './layout.js';

export type AudienceView =
  | { readonly kind: 'show'; readonly report: ShowAudience }
  | { readonly kind: 'episode'; readonly report: EpisodeAudience };

/**
 * The period a page's query asks for (`?from=…&to=…`); the last 30 days, and
 * `invalid`, when the query is not a period the reports accept.
 */
export function audienceRange(
  query: unknown,
  now = new Date(),
): { range: DayRange; invalid: boolean } {
  const parsed = rangeQuerySchema(undefined, () => now).safeParse(query);
  const resolved = resolveRange(parsed.success ? parsed.data : {}, now);
  // Only a checked query gets here, or none: the default period always resolves.
  if ('field' in resolved)
    throw new Error(`the default ${DEFAULT_RANGE_DAYS} days did not resolve`);
  return { range: resolved.range, invalid: !parsed.success };
}

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

function formats(lang: Lang) {
  const short = new Intl.DateTimeFormat(locale(lang), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const long = new Intl.DateTimeFormat(locale(lang), {
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const number = new Intl.NumberFormat(locale(lang));
  const at = (day: string) => new Date(`${day}T00:00:00Z`);
  return {
    day: (d: string) => short.format(at(d)),
    longDay: (d: string) => long.format(at(d)),
    count: (n: number) => number.format(n),
  };
}

export function audienceSection(ctx: PageContext, view: AudienceView, invalid = false): SafeHtml {
  const a = AUDIENCE_STRINGS[ctx.lang];
  const f = formats(ctx.lang);
  const { report } = view;
  const { range, days } = report;
  const query = `from=${range.from}&to=${range.to}`;
  const csvBase =
    view.kind === 'show'
      ? `/api/shows/${view.report.show.slug}/audience.csv`
      : `/api/episodes/${view.report.episode.id}/audience.csv`;

  const busiest = days.reduce((best, d) => (d.downloads > best.downloads ? d : best), days[0]!);
  const chart = barChart({
    id: 'audience-chart',
    title: fill(a.chartTitle, { from: f.day(range.from), to: f.day(range.to) }),
    description: report.totals.downloads
      ? fill(a.chartDesc, {
          total: f.count(report.totals.downloads),
          days: days.length,
          day: f.longDay(busiest.day),
          max: f.count(busiest.downloads),
        })
      : fill(a.chartDescEmpty, { days: days.length }),
    bars: days.map((d) => ({
      day: d.day,
      value: d.downloads,
      label: f.day(d.day),
      tooltip: fill(a.barLabel, { day: f.longDay(d.day), n: f.count(d.downloads) }),
    })),
    formatCount: f.count,
  });

  const cells = (x: AudienceFigures) =>
    html`<td data-value="${x.downloads}">${f.count(x.downloads)}</td><td data-value="${x.started}">${f.count(x.started)}</td><td data-value="${x.heard30s}">${f.count(x.heard30s)}</td><td data-value="${x.completed}">${f.count(x.completed)}</td>`;
  const figureHeadings = html`<th scope="col">${a.downloads}</th><th scope="col">${a.started}</th><th scope="col">${a.heard30s}</th><th scope="col">${a.completed}</th>`;

  const perDay = html`<table id="audience-days"><caption>${a.perDay}</caption>
<thead><tr><th scope="col">${a.day}</th>${figureHeadings}</tr></thead>
<tbody>${days.map((d) => html`<tr data-day="${d.day}"><th scope="row"><time datetime="${d.day}">${f.day(d.day)}</time></th>${cells(d)}</tr>`)}</tbody>
<tfoot><tr><th scope="row">${a.totals}</th>${cells(report.totals)}</tr></tfoot></table>`;

  const breakdown = (
    id: string,
    caption: string,
    heading: string,
    rows: readonly { key: string; name: string; downloads: number }[],
  ) =>
    rows.length
      ? html`<table id="${id}"><caption>${caption}</caption>
<thead><tr><th scope="col">${heading}</th><th scope="col">${a.downloads}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-key="${r.key}"><th scope="row">${r.name}</th><td data-value="${r.downloads}">${f.count(r.downloads)}</td></tr>`)}</tbody></table>`
      : html`<p id="${id}"><strong>${caption}</strong> — ${a.noDownloads}</p>`;

  const apps = breakdown(
    'audience-apps',
    a.perApp,
    a.app,
    report.apps.map((x) => ({
      key: x.app,
      name: appName(ctx.lang, x.app),
      downloads: x.downloads,
    })),
  );
  const platforms = breakdown(
    'audience-platforms',
    a.perPlatform,
    a.platform,
    report.platforms.map((x) => ({
      key: x.platform,
      name: platformName(ctx.lang, x.platform),
      downloads: x.downloads,
    })),
  );

  const top =
    view.kind === 'show'
      ? html`<h3>${a.topEpisodes}</h3>${
          view.report.topEpisodes.length
            ? html`<table id="audience-episodes"><thead><tr><th scope="col">${a.episode}</th><th scope="col">${a.article}</th>${figureHeadings}</tr></thead>
<tbody>${view.report.topEpisodes.map((e) => html`<tr data-episode="${e.episodeId}"><th scope="row"><a href="/studio/episodes/${e.episodeId}#audience">${e.title}</a></th><td><a href="${e.articleUrl}">${e.articleUrl}</a></td>${cells(e)}</tr>`)}</tbody></table>`
            : html`<p>${a.noEpisodes}</p>`
        }`
      : '';

  const csv = (by: string) => `${csvBase}?${query}&by=${by}`;
  const exports = html`<p class="audience-exports">${a.export} <a href="${csv('day')}" download>${a.csvDays}</a> · <a href="${csv('app')}" download>${a.csvApps}</a> · <a href="${csv('platform')}" download>${a.csvPlatforms}</a>${
    view.kind === 'show'
      ? html` · <a href="/api/shows/${view.report.show.slug}/audience/articles.csv?${query}" download>${a.csvArticles}</a>`
      : ''
  }</p>`;

  return html`<section id="audience" aria-labelledby="audience-heading">
<h2 id="audience-heading">${a.audience}</h2>
<form class="audience-range" method="get" action="#audience"><fieldset><legend>${a.rangeLegend}</legend>
<label for="audience-from">${a.from}</label> <input type="date" id="audience-from" name="from" value="${range.from}" required>
<label for="audience-to">${a.to}</label> <input type="date" id="audience-to" name="to" value="${range.to}" required>
<button type="submit">${a.showRange}</button></fieldset></form>
${invalid ? html`<p class="error" role="alert" id="audience-range-error">${a.badRange}</p>` : ''}
<p class="hint">${a.howCounted}</p>
<figure>${chart}</figure>
${perDay}
${apps}
${platforms}
${top}
${exports}
</section>`;
}
