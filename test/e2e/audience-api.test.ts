/**
 * Issue 12 reports over HTTP: the JSON a show, an episode and the articles answer for a
 * week of known rows, the same figures as CSV (BOM, `;`, quoting, file name), French
 * titles and URLs intact in both, and 400 / 404 / 401 problems for bad calls.
 */
import assert from 'node:assert/strict';
import { EDITOR_HEADERS, useTestApp } from '../helpers/app.js';
import { seedAudienceInApp } from '../helpers/audience-app.js';
import { ARTICLE_A, ARTICLE_B, EP, EXPECTED, TITLES, WEEK } from '../helpers/audience-rows.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';

const SLUG = SHOW_INPUT.slug;
const WEEK_QUERY = `from=${WEEK.from}&to=${WEEK.to}`;

describe('audience API: reports as JSON and CSV', function () {
  const app = useTestApp({ engine: 'pglite' });
  before(() => seedAudienceInApp(app));

  const json = async (path: string) => {
    const res = await app.authed(path);
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    return (await res.json()) as Record<string, unknown>;
  };
  const csv = async (path: string) => {
    const res = await app.authed(path);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // The UTF-8 byte order mark, for Excel.
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    return {
      text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1),
      disposition: res.headers.get('content-disposition'),
    };
  };

  it('answers a show’s week: every day, totals, apps, platforms, top episodes', async () => {
    const body = await json(`/api/shows/${SLUG}/audience?${WEEK_QUERY}`);
    assert.deepEqual(body.show, { slug: SLUG, title: SHOW_INPUT.title });
    assert.deepEqual(body.range, WEEK);
    assert.deepEqual(body.days, EXPECTED.showDays);
    assert.deepEqual(body.totals, EXPECTED.showTotals);
    assert.deepEqual(body.apps, EXPECTED.showApps);
    assert.deepEqual(body.platforms, EXPECTED.showPlatforms);
    const top = body.topEpisodes as { id: string; title: string; articleUrl: string }[];
    assert.deepEqual(
      top.map((e) => e.id),
      EXPECTED.episodes.map((e) => e.id),
    );
    assert.deepEqual(top[2], {
      id: EP.e2,
      title: TITLES.e2,
      articleUrl: ARTICLE_B,
      ...{ downloads: 6, started: 0, heard30s: 0, completed: 0 },
    });
  });

  it('answers an episode’s week', async () => {
    const body = await json(`/api/episodes/${EP.e3}/audience?${WEEK_QUERY}`);
    assert.deepEqual(body.episode, { id: EP.e3, title: TITLES.e3, articleUrl: ARTICLE_A });
    assert.deepEqual(body.days, EXPECTED.e3Days);
    assert.deepEqual(body.apps, EXPECTED.e3Apps);
    assert.deepEqual(body.platforms, EXPECTED.e3Platforms);
  });

  it('answers per article, URLs and titles exactly as stored', async () => {
    const body = await json(`/api/shows/${SLUG}/audience/articles?${WEEK_QUERY}`);
    assert.deepEqual(body.articles, EXPECTED.articles);
  });

  it('defaults to the last 30 days', async () => {
    const before = new Date().toISOString().slice(0, 10);
    const body = await json(`/api/shows/${SLUG}/audience`);
    const after = new Date().toISOString().slice(0, 10);
    // Today in UTC, whichever side of midnight the call fell.
    assert.ok([before, after].includes((body.range as { to: string }).to));
    assert.equal((body.days as unknown[]).length, 30);
  });

  it('exports the days as CSV for Excel in French: BOM, `;`, CRLF, a file name', async () => {
    const { text, disposition } = await csv(`/api/shows/${SLUG}/audience.csv?${WEEK_QUERY}`);
    assert.equal(
      text,
      'day;downloads;started;heard_30s;completed\r\n' +
        EXPECTED.showDays
          .map((d) => `${d.day};${d.downloads};${d.started};${d.heard30s};${d.completed}\r\n`)
          .join(''),
    );
    assert.equal(
      disposition,
      `attachment; filename=audience-${SLUG}-day-${WEEK.from}-${WEEK.to}.csv`,
    );
  });

  it('exports apps and platforms, with commas when asked', async () => {
    const apps = await csv(`/api/shows/${SLUG}/audience.csv?${WEEK_QUERY}&by=app&separator=comma`);
    assert.equal(
      apps.text,
      'app,downloads\r\n' + EXPECTED.showApps.map((a) => `${a.app},${a.downloads}\r\n`).join(''),
    );
    const platforms = await csv(`/api/episodes/${EP.e3}/audience.csv?${WEEK_QUERY}&by=platform`);
    assert.equal(platforms.text, 'platform;downloads\r\nweb;8\r\n');
    assert.match(platforms.disposition ?? '', /filename=audience-episode-audep3-platform-/);
  });

  it('exports articles with their titles quoted as CSV needs, accents and « » intact', async () => {
    const { text } = await csv(`/api/shows/${SLUG}/audience/articles.csv?${WEEK_QUERY}`);
    assert.equal(
      text,
      'article_url;title;episodes;downloads;started;heard_30s;completed\r\n' +
        // A title starting with "=" is not a formula; one with ";" and quotes is quoted.
        `${ARTICLE_A};'=Entretien, deuxième partie;audep1 audep3;18;11;5;3\r\n` +
        `${ARTICLE_B};"Le « chef de file » ; réponse, et ""guillemets"" d’usage";audep2;6;0;0;0\r\n`,
    );
  });

  it('refuses bad ranges and parameters with a 400 problem naming the field', async () => {
    const cases: [string, string][] = [
      [`/api/shows/${SLUG}/audience?from=2026-11-08&to=2026-11-01`, 'from'],
      [`/api/shows/${SLUG}/audience?from=2025-01-01&to=2026-01-02`, 'to'],
      [`/api/shows/${SLUG}/audience?from=31%2F12%2F2026`, 'from'],
      [`/api/episodes/${EP.e1}/audience?to=2026-02-30`, 'to'],
      [`/api/shows/${SLUG}/audience/articles?from=2026-11-01&from=2026-11-02`, 'from'],
      [`/api/shows/${SLUG}/audience.csv?by=week`, 'by'],
      [`/api/episodes/${EP.e1}/audience.csv?separator=tab`, 'separator'],
      [`/api/shows/${SLUG}/audience/articles.csv?to=demain`, 'to'],
      ['/api/shows/Not_A_Slug/audience', 'slug'],
      ['/api/episodes/NOT-AN-ID/audience.csv', 'id'],
    ];
    for (const [path, field] of cases) {
      const res = await app.authed(path);
      assert.equal(res.status, 400, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = (await res.json()) as { errors: { field: string }[] };
      assert.deepEqual(
        problem.errors.map((e) => e.field),
        [field],
        path,
      );
    }
  });

  it('answers 404 for an unknown show or episode, JSON or CSV', async () => {
    for (const path of [
      '/api/shows/nowhere/audience',
      '/api/shows/nowhere/audience.csv',
      '/api/shows/nowhere/audience/articles',
      '/api/shows/nowhere/audience/articles.csv',
      '/api/episodes/zz0000000000/audience',
      '/api/episodes/zz0000000000/audience.csv',
    ]) {
      const res = await app.authed(`${path}?${WEEK_QUERY}`);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
  });

  it('answers 401 without an editor’s credentials', async () => {
    for (const path of [
      `/api/shows/${SLUG}/audience`,
      `/api/shows/${SLUG}/audience.csv`,
      `/api/episodes/${EP.e1}/audience`,
      `/api/shows/${SLUG}/audience/articles.csv`,
    ]) {
      const anonymous = await fetch(`${app.baseUrl}${path}`);
      assert.equal(anonymous.status, 401, path);
      const wrong = await fetch(`${app.baseUrl}${path}`, {
        headers: { authorization: 'Bearer not-a-token-of-ours-0123456789' },
      });
      assert.equal(wrong.status, 401, path);
      const editor = await fetch(`${app.baseUrl}${path}`, { headers: EDITOR_HEADERS });
      assert.equal(editor.status, 200, path);
    }
  });
});
