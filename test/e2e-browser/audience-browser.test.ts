/**
 * Issue 12 acceptance in Chromium: an editor signed in (in French) opens the show page
 * and an episode page; the SVG chart's bars and the tables show exactly the counts the
 * API reports for the same range, bar heights follow the counts, the period form picks
 * another range, and the CSV links download with the editor's session.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInToStudio } from '../helpers/browser.js';
import { createTestShow, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAudienceInApp } from '../helpers/audience-app.js';
import { EP, WEEK } from '../helpers/audience-rows.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';

const ARTIFACTS = path.resolve('test-artifacts');

interface Day {
  day: string;
  downloads: number;
  started: number;
  heard30s: number;
  completed: number;
}
interface Report {
  days: Day[];
  totals: Omit<Day, 'day'>;
  apps: { app: string; downloads: number }[];
  platforms: { platform: string; downloads: number }[];
}

describe('studio in Chromium: the audience chart shows what the API reports', function () {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    await fs.mkdir(ARTIFACTS, { recursive: true });
    app = await startTestApp({ engine: 'pglite', env: ADMIN_ENV, worker: false });
    await createTestShow(app);
    await seedAudienceInApp(app);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'fr-FR' });
    page = await context.newPage();
    await signInToStudio(page, app.baseUrl, ADMIN);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const api = async (apiPath: string): Promise<Report> => {
    const res = await app.authed(apiPath);
    assert.equal(res.status, 200);
    return (await res.json()) as Report;
  };

  /** What the page shows: the bars, the per-day table, the apps and platforms tables. */
  async function shown() {
    const bars = await page.$$eval('#audience-chart rect.bar', (rects) =>
      rects.map((r) => ({
        day: r.getAttribute('data-day')!,
        value: Number(r.getAttribute('data-value')),
        height: (r as SVGRectElement).getBBox().height,
        title: r.querySelector('title')?.textContent ?? '',
      })),
    );
    // No named function inside the page (the test runner's transform would name it __name).
    const days = await page.$$eval('#audience-days tbody tr', (rows) =>
      rows.map((tr) => {
        // What the editor reads, digits only (French groups digits with a narrow space).
        const [downloads, started, heard30s, completed] = Array.from(tr.querySelectorAll('td')).map(
          (td) => Number((td.textContent ?? '').replace(/\D/g, '')),
        );
        return { day: tr.getAttribute('data-day')!, downloads, started, heard30s, completed };
      }),
    );
    const keyed = (selector: string) =>
      page.$$eval(selector, (rows) =>
        rows.map((tr) => ({
          key: tr.getAttribute('data-key')!,
          name: tr.querySelector('th')?.textContent ?? '',
          downloads: Number(tr.querySelector('td')?.getAttribute('data-value')),
        })),
      );
    return {
      bars,
      days,
      apps: await keyed('#audience-apps tbody tr'),
      platforms: await keyed('#audience-platforms tbody tr'),
    };
  }

  function assertMatches(seen: Awaited<ReturnType<typeof shown>>, report: Report): void {
    assert.deepEqual(
      seen.bars.map((b) => [b.day, b.value]),
      report.days.map((d) => [d.day, d.downloads]),
    );
    assert.deepEqual(seen.days, report.days);
    assert.deepEqual(
      seen.apps.map((a) => [a.key, a.downloads]),
      report.apps.map((a) => [a.app, a.downloads]),
    );
    assert.deepEqual(
      seen.platforms.map((p) => [p.key, p.downloads]),
      report.platforms.map((p) => [p.platform, p.downloads]),
    );
    // The bars are drawn to scale: height / count is the same for every bar, zero is flat.
    const max = Math.max(...report.days.map((d) => d.downloads));
    const tallest = Math.max(...seen.bars.map((b) => b.height));
    for (const bar of seen.bars) {
      assert.ok(Math.abs(bar.height - (tallest * bar.value) / max) < 0.05, JSON.stringify(bar));
    }
  }

  it('shows the show’s week as the API reports it, in French', async () => {
    const query = `from=${WEEK.from}&to=${WEEK.to}`;
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}?${query}`);
    await page.waitForSelector('#audience-chart');
    const report = await api(`/api/shows/${SHOW_INPUT.slug}/audience?${query}`);
    const seen = await shown();
    assertMatches(seen, report);
    assert.equal(seen.bars.length, 7);
    assert.ok(report.totals.downloads > 0);
    assert.equal(seen.bars[0]!.title, 'dim. 1 novembre 2026 : 10 téléchargements');
    assert.deepEqual(seen.apps.find((a) => a.key === 'antenne-player')?.name, 'Lecteur Antenne');
    assert.equal(
      await page.getAttribute('#audience-chart', 'aria-labelledby'),
      'audience-chart-title audience-chart-desc',
    );
    assert.match(
      (await page.textContent('#audience-chart-title')) ?? '',
      /^Téléchargements par jour, du 1 nov\. 2026 au 7 nov\. 2026$/,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'audience-show.png'), fullPage: true });
  });

  it('picks another period with the form, and the CSV link downloads with the session', async () => {
    await page.fill('#audience-from', '2026-10-31');
    await page.fill('#audience-to', '2026-11-02');
    await Promise.all([
      page.waitForURL(/from=2026-10-31&to=2026-11-02/),
      page.click('#audience button[type="submit"]'),
    ]);
    await page.waitForSelector('#audience-chart');
    const report = await api(
      `/api/shows/${SHOW_INPUT.slug}/audience?from=2026-10-31&to=2026-11-02`,
    );
    assertMatches(await shown(), report);
    assert.deepEqual(
      report.days.map((d) => d.downloads),
      [100, 10, 7],
    );
    const href = await page.getAttribute('.audience-exports a[href*="by=day"]', 'href');
    const csv = await page.request.get(`${app.baseUrl}${href}`);
    assert.equal(csv.status(), 200);
    assert.equal(
      (await csv.text()).replace(/^\uFEFF/, ''),
      'day;downloads;started;heard_30s;completed\r\n2026-10-31;100;0;0;0\r\n2026-11-01;10;4;3;1\r\n2026-11-02;7;0;0;0\r\n',
    );
  });

  it('shows an episode’s week as the API reports it', async () => {
    const query = `from=${WEEK.from}&to=${WEEK.to}`;
    await page.goto(`${app.baseUrl}/studio/episodes/${EP.e3}?${query}`);
    await page.waitForSelector('#audience-chart');
    const report = await api(`/api/episodes/${EP.e3}/audience?${query}`);
    assertMatches(await shown(), report);
    assert.equal(report.totals.downloads, 8);
    await page.screenshot({ path: path.join(ARTIFACTS, 'audience-episode.png'), fullPage: true });
  });

  it('says so when the period cannot be shown, and shows the last 30 days', async () => {
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}?from=2026-11-08&to=2026-11-01`);
    await page.waitForSelector('#audience-range-error');
    assert.equal(await page.locator('#audience-chart rect.bar').count(), 30);
  });
});
