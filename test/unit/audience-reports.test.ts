/**
 * Issue 12 reports, the pure parts: the date range (defaults, inclusive UTC days,
 * refusals), the per-day series with its zeros, articles grouped by URL, CSV escaping,
 * and the studio section (names in both languages, escaping, the chart's figures).
 */
import { AUDIENCE_APPS } from '../../src/core/audience-apps.js';
import assert from 'node:assert/strict';
import {
  MAX_RANGE_DAYS,
  addDays,
  eachDay,
  fillDays,
  rangeQuerySchema,
  resolveRange,
} from '../../src/core/audience-range.js';
import { csvField, toCsv } from '../../src/core/csv.js';
import { fieldErrors } from '../../src/core/schemas.js';
import {
  AUDIENCE_STRINGS,
  NAMED_PLATFORMS,
  appName,
  platformName,
} from '../../src/http/i18n/audience.js';
import { STUDIO_STRINGS } from '../../src/http/i18n/studio.js';
import { groupByArticle, type ShowAudience } from '../../src/services/audience-reports.js';
import { audienceRange, audienceSection } from '../../studio/pages/audience-section.js';
import type { PageContext } from '../../studio/pages/layout.js';

const NOW = new Date('2026-12-02T23:30:00Z');

describe('audience: date ranges', () => {
  it('defaults to the 30 days up to today (UTC), both ends included', () => {
    assert.deepEqual(resolveRange({}, NOW), { range: { from: '2026-11-03', to: '2026-12-02' } });
    assert.equal(eachDay({ from: '2026-11-03', to: '2026-12-02' }).length, 30);
    // Just after midnight UTC, today is the new day whatever the server's time zone.
    assert.deepEqual(resolveRange({}, new Date('2026-12-03T00:00:01Z')), {
      range: { from: '2026-11-04', to: '2026-12-03' },
    });
  });

  it('takes 30 days ending at `to` when only `to` is given, and `to` = today with `from` alone', () => {
    assert.deepEqual(resolveRange({ to: '2026-03-01' }, NOW), {
      range: { from: '2026-01-31', to: '2026-03-01' },
    });
    assert.deepEqual(resolveRange({ from: '2026-12-01' }, NOW), {
      range: { from: '2026-12-01', to: '2026-12-02' },
    });
  });

  it('counts calendar days across month ends, leap days and DST changes', () => {
    assert.deepEqual(eachDay({ from: '2028-02-28', to: '2028-03-01' }), [
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
    assert.equal(eachDay({ from: '2026-03-28', to: '2026-03-30' }).length, 3);
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  });

  it('refuses a backwards range, a range too long and dates that are not dates, naming the field', () => {
    const schema = rangeQuerySchema(undefined, () => NOW);
    const problems = (query: unknown) => {
      const r = schema.safeParse(query);
      return r.success ? [] : fieldErrors(r.error).map((e) => e.field);
    };
    assert.deepEqual(problems({ from: '2026-11-02', to: '2026-11-01' }), ['from']);
    assert.deepEqual(problems({ from: '2025-01-01', to: '2026-01-02' }), ['to']);
    assert.deepEqual(problems({ to: '2026-02-30' }), ['to']);
    assert.deepEqual(problems({ from: '1 nov. 2026' }), ['from']);
    assert.deepEqual(problems({ from: '2026-11-01T00:00:00Z' }), ['from']);
    assert.deepEqual(problems({ from: ['2026-11-01', '2026-11-02'] }), ['from']);
    // The limit itself is allowed: a leap year, both ends counted.
    assert.deepEqual(problems({ from: '2028-01-01', to: '2028-12-31' }), []);
    assert.equal(eachDay({ from: '2028-01-01', to: '2028-12-31' }).length, MAX_RANGE_DAYS);
    // `from` alone, too far back: the default `to` (today) makes it too long.
    assert.deepEqual(problems({ from: '2020-01-01' }), ['from']);
    assert.deepEqual(problems({ from: '2026-11-01', to: '2026-11-01' }), []);
  });

  it('lets a studio page fall back to the default period on a bad query, and says so', () => {
    assert.deepEqual(audienceRange({ from: 'hier' }, NOW), {
      range: { from: '2026-11-03', to: '2026-12-02' },
      invalid: true,
    });
    // Too long up to the page's today.
    assert.equal(audienceRange({ from: '2025-12-01' }, NOW).invalid, true);
    assert.equal(audienceRange({ from: '2025-12-02' }, NOW).invalid, false);
    assert.deepEqual(audienceRange({ from: '2026-11-01', to: '2026-11-07' }, NOW), {
      range: { from: '2026-11-01', to: '2026-11-07' },
      invalid: false,
    });
  });
});

describe('audience: per-day series', () => {
  it('lists every day of the range in order, zeros where the database had no row', () => {
    const filled = fillDays(
      { from: '2026-11-01', to: '2026-11-04' },
      [
        { day: '2026-11-03', n: 3 },
        { day: '2026-10-31', n: 9 },
        { day: '2026-11-01', n: 1 },
      ],
      (day) => ({ day, n: 0 }),
    );
    assert.deepEqual(filled, [
      { day: '2026-11-01', n: 1 },
      { day: '2026-11-02', n: 0 },
      { day: '2026-11-03', n: 3 },
      { day: '2026-11-04', n: 0 },
    ]);
  });

  it('groups episodes by article URL, titled by the latest, most downloaded first', () => {
    const ep = (id: string, url: string, downloads: number, at: string) => ({
      episodeId: id,
      title: `Titre ${id}`,
      articleUrl: url,
      publishedAt: new Date(at),
      downloads,
      started: 1,
      heard30s: 0,
      completed: 0,
    });
    const articles = groupByArticle([
      ep('a', 'https://x/1', 5, '2026-01-02'),
      ep('b', 'https://x/2', 7, '2026-01-01'),
      ep('c', 'https://x/1', 4, '2026-01-03'),
    ]);
    assert.deepEqual(
      articles.map((a) => [a.articleUrl, a.title, a.episodeIds, a.downloads, a.started]),
      [
        ['https://x/1', 'Titre c', ['a', 'c'], 9, 2],
        ['https://x/2', 'Titre b', ['b'], 7, 1],
      ],
    );
  });
});

describe('audience: CSV', () => {
  it('quotes only what needs it, doubling quotes; CRLF after each line', () => {
    assert.equal(
      toCsv(
        [
          ['title', 'n'],
          ['« L’entretien » à Caen', 3],
          ['a;b', 0],
          ['il a dit "non"', 1],
          ['deux\nlignes', 2],
        ],
        ';',
      ),
      'title;n\r\n« L’entretien » à Caen;3\r\n"a;b";0\r\n"il a dit ""non""";1\r\n"deux\nlignes";2\r\n',
    );
    // The comma matters only with the comma separator.
    assert.equal(csvField('Caen, Normandie', ';'), 'Caen, Normandie');
    assert.equal(csvField('Caen, Normandie', ','), '"Caen, Normandie"');
    assert.equal(csvField(null, ','), '');
  });

  it('keeps a spreadsheet from reading text as a formula, numbers untouched', () => {
    assert.equal(csvField('=HYPERLINK("http://x")', ','), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvField('+33 2 31', ';'), "'+33 2 31");
    assert.equal(csvField('-1', ';'), "'-1");
    assert.equal(csvField('@SUM(A1)', ';'), "'@SUM(A1)");
    assert.equal(csvField(-1, ';'), '-1');
    assert.equal(csvField('https://example.org/?a=1', ';'), 'https://example.org/?a=1');
  });
});

describe('audience: the studio section', () => {
  it('names every app and platform in French and English', () => {
    for (const app of AUDIENCE_APPS) {
      assert.ok(appName('fr', app) && appName('en', app), app);
    }
    assert.equal(appName('fr', 'antenne-player'), 'Lecteur Antenne');
    assert.equal(appName('fr', 'browser'), 'Navigateur');
    assert.equal(appName('fr', 'other'), 'Autre');
    assert.equal(appName('en', 'apple-podcasts'), 'Apple Podcasts');
    assert.equal(appName('fr', 'an-app-of-tomorrow'), 'an-app-of-tomorrow');
    assert.deepEqual(NAMED_PLATFORMS, [
      'ios',
      'android',
      'macos',
      'windows',
      'linux',
      'web',
      'other',
    ]);
    assert.equal(platformName('fr', 'other'), 'Autre');
    assert.deepEqual(
      Object.keys(AUDIENCE_STRINGS.fr).sort(),
      Object.keys(AUDIENCE_STRINGS.en).sort(),
    );
  });

  const report: ShowAudience = {
    show: { id: 's', slug: 'normandie', title: 'Normandie' },
    range: { from: '2026-11-30', to: '2026-12-02' },
    totals: { downloads: 1234, started: 2, heard30s: 1, completed: 0 },
    days: [
      { day: '2026-11-30', downloads: 0, started: 0, heard30s: 0, completed: 0 },
      { day: '2026-12-01', downloads: 1230, started: 2, heard30s: 1, completed: 0 },
      { day: '2026-12-02', downloads: 4, started: 0, heard30s: 0, completed: 0 },
    ],
    apps: [{ app: 'antenne-player', downloads: 1234 }],
    platforms: [{ platform: 'web', downloads: 1234 }],
    topEpisodes: [
      {
        episodeId: 'ep1',
        title: '<script>alert("« x »")</script>',
        articleUrl: 'https://example.org/a?b=1&c=2',
        publishedAt: new Date(),
        downloads: 1234,
        started: 2,
        heard30s: 1,
        completed: 0,
      },
    ],
  };
  const ctx = (lang: 'fr' | 'en'): PageContext => ({
    lang,
    t: STUDIO_STRINGS[lang],
    user: { name: 'R', role: 'editor' },
    csrfToken: null,
    assets: { js: '/a.js', css: '/a.css' },
    path: '/studio/shows/normandie',
  });

  it('draws one bar per day with its figure, an accessible name, and the same figures in the table', () => {
    const page = audienceSection(ctx('fr'), { kind: 'show', report }).value;
    const bars = [
      ...page.matchAll(/<rect class="bar"[^>]*data-day="([\d-]+)" data-value="(\d+)"/g),
    ];
    assert.deepEqual(
      bars.map((m) => [m[1], Number(m[2])]),
      [
        ['2026-11-30', 0],
        ['2026-12-01', 1230],
        ['2026-12-02', 4],
      ],
    );
    assert.match(
      page,
      /<svg id="audience-chart"[^>]* role="img" aria-labelledby="audience-chart-title audience-chart-desc"/,
    );
    assert.match(
      page,
      /<title id="audience-chart-title">Téléchargements par jour, du 30 nov\. 2026 au 2 déc\. 2026<\/title>/,
    );
    // French number and date formats: 1 234 with a narrow no-break space.
    assert.match(
      page,
      /<desc id="audience-chart-desc">1\u202f234 téléchargements sur 3 jours ; le jour le plus suivi, le mar\. 1 décembre 2026, en a compté 1\u202f230\.<\/desc>/,
    );
    const cells = [
      ...page.matchAll(
        /<tr data-day="([\d-]+)"><th scope="row"><time datetime="[\d-]+">([^<]+)<\/time><\/th><td data-value="(\d+)">/g,
      ),
    ];
    assert.deepEqual(
      cells.map((m) => [m[1], m[2], Number(m[3])]),
      [
        ['2026-11-30', '30 nov. 2026', 0],
        ['2026-12-01', '1 déc. 2026', 1230],
        ['2026-12-02', '2 déc. 2026', 4],
      ],
    );
    assert.match(page, /<th scope="row">Lecteur Antenne<\/th><td data-value="1234">/);
    assert.match(
      page,
      /href="\/api\/shows\/normandie\/audience\.csv\?from=2026-11-30&amp;to=2026-12-02&amp;by=app"/,
    );
    assert.match(
      page,
      /href="\/api\/shows\/normandie\/audience\/articles\.csv\?from=2026-11-30&amp;to=2026-12-02"/,
    );
  });

  it('escapes titles and URLs, and speaks English to an English editor', () => {
    const page = audienceSection(ctx('en'), { kind: 'show', report }, true).value;
    assert.ok(!page.includes('<script>'));
    assert.ok(page.includes('&lt;script&gt;alert(&quot;« x »&quot;)&lt;/script&gt;'));
    assert.ok(page.includes('href="https://example.org/a?b=1&amp;c=2"'));
    assert.match(page, /Downloads per day, 30 Nov 2026 to 2 Dec 2026/);
    assert.match(page, /<th scope="row">Antenne player<\/th>/);
    assert.match(page, /id="audience-range-error"/);
  });
});
