/**
 * Issue 16, a studio that follows the episode, in real Chromium: dates shown and
 * prefilled in the editor's time zone (one browser in Europe/Paris, one in
 * America/New_York), publish controls that follow the episode's state, Apple
 * categories and languages as searchable choices with the cover uploaded at
 * creation, and, on every studio page in French and in English, unique accessible
 * names (read from Chromium's accessibility tree) and nothing in the console.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { createTestShow, EDITOR_HEADERS, startTestApp, type TestApp } from '../helpers/app.js';
import { serveArticle } from '../helpers/article-page.js';
import { assertUniqueNames } from '../helpers/accessibility.js';
import { launchChromium, signInToStudio } from '../helpers/browser.js';
import { addMediaEpisode } from '../helpers/media-episodes.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { image } from '../fixtures/images.js';

const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const ARTIFACTS = path.resolve('test-artifacts');
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `studio-ux-${name}.png`), fullPage: true });

interface EpisodeBody {
  id: string;
  state: string;
  publishedAt: string;
  scheduledAt: string | null;
}

describe('studio UX in Chromium: local times, state-following publication, choices, names, console', function () {
  // Longer than the layer’s timeout: two or three browser contexts walk every studio page.
  this.timeout(180_000);
  let app: TestApp;
  let article: Awaited<ReturnType<typeof serveArticle>>;
  let browser: Browser;
  const ids: Record<'morning' | 'evening' | 'midnight' | 'failed', string> = {
    morning: '',
    evening: '',
    midnight: '',
    failed: '',
  };

  const episode = async (id: string) => {
    const res = await fetch(`${app.baseUrl}/api/episodes/${id}`, { headers: EDITOR_HEADERS });
    const body = (await res.json()) as EpisodeBody;
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  };

  /** A signed-in administrator's page in a browser at `timezoneId`, in `locale`. */
  async function signedIn(timezoneId: string, locale = 'fr-FR'): Promise<Page> {
    const context: BrowserContext = await browser.newContext({ locale, timezoneId });
    const page = await context.newPage();
    await signInToStudio(page, app.baseUrl, ADMIN);
    return page;
  }

  before(async () => {
    await fs.mkdir(ARTIFACTS, { recursive: true });
    article = await serveArticle();
    app = await startTestApp({
      engine: 'pglite',
      env: { ...ADMIN_ENV, PREFILL_ALLOWED_HOSTS: '127.0.0.1' },
    });
    await createTestShow(app);
    // Episodes inserted ready (no pipeline), each with its article's time.
    const articles = {
      morning: ['Le matin « numérique »', '2018-05-31T07:30:00.000Z'], // 09:30 in Paris
      evening: ['Le soir « numérique »', '2018-05-31T21:30:00.000Z'], // 23:30 in Paris
      midnight: ['La nuit « numérique »', '2018-05-31T22:30:00.000Z'], // 00:30 on 1 June in Paris
      failed: ['Un fichier « cassé »', '2018-05-30T08:00:00.000Z'],
    } as const;
    for (const [key, [title, at]] of Object.entries(articles)) {
      const { id } = await addMediaEpisode(app, 'ready', new Uint8Array(4096));
      ids[key as keyof typeof ids] = id;
      await app.antenne.db.db
        .updateTable('episodes')
        .set({ title, published_at: new Date(at) })
        .where('id', '=', id)
        .execute();
    }
    const figures = { integrated: -16, truePeak: -1.2, lra: 6, threshold: -26 };
    await app.antenne.db.db
      .updateTable('episodes')
      .set({
        loudness: JSON.stringify({
          target: { integrated: -16, truePeak: -1 },
          input: { integrated: -23, truePeak: -3, lra: 9, threshold: -33 },
          output: figures,
          mode: 'linear',
          gainDb: 7,
        }),
      })
      .where('id', '=', ids.morning)
      .execute();
    await app.antenne.db.db
      .updateTable('episodes')
      .set({ state: 'failed', failure_reason: 'Ce fichier n’est pas un enregistrement lisible.' })
      .where('id', '=', ids.failed)
      .execute();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await article?.close();
  });

  it('shows and prefills dates in the editor’s time zone: Paris and New York', async () => {
    const zones = {
      'Europe/Paris': {
        morning: '31/05/2018 09:30',
        evening: '31/05/2018 23:30',
        midnight: '01/06/2018 00:30',
        input: '2018-05-31T09:30',
      },
      'America/New_York': {
        morning: '31/05/2018 03:30',
        evening: '31/05/2018 17:30',
        midnight: '31/05/2018 18:30',
        input: '2018-05-31T03:30',
      },
    } as const;
    for (const [zone, want] of Object.entries(zones)) {
      const page = await signedIn(zone);
      await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}`);
      for (const key of ['morning', 'evening', 'midnight'] as const) {
        const cell = page.locator(`tr:has(a[href="/studio/episodes/${ids[key]}"]) time`);
        assert.equal(await cell.textContent(), want[key], `${key} in ${zone}`);
      }
      // The editing form holds the article's time where the editor is, and says which zone.
      await page.goto(`${app.baseUrl}/studio/episodes/${ids.morning}`);
      assert.equal(await page.inputValue('#f-publishedAt'), want.input, zone);
      assert.match((await page.textContent('#f-publishedAt-hint')) ?? '', new RegExp(zone));
      // Prefilled from the article (09:30 in Paris, given with its offset): the same instant.
      await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}/new`);
      await page.fill('#f-prefillUrl', article.url);
      await page.click('#prefill-button');
      await page.waitForSelector('#prefill-status:has-text("Rempli")');
      assert.equal(await page.inputValue('#f-publishedAt'), want.input, `prefill in ${zone}`);
      await page.context().close();
    }

    // Saving other fields keeps the instant as it was; a time typed is read where the editor is.
    const newYork = await signedIn('America/New_York');
    await newYork.goto(`${app.baseUrl}/studio/episodes/${ids.evening}`);
    await newYork.click('#edit-article summary');
    await newYork.fill('#f-summary', 'Résumé « modifié » à New York');
    await newYork.click('#metadata-form button[type="submit"]');
    await newYork.waitForSelector('#metadata-status:has-text("Enregistré")');
    assert.equal((await episode(ids.evening)).publishedAt, '2018-05-31T21:30:00.000Z');
    await newYork.context().close();
    const paris = await signedIn('Europe/Paris');
    await paris.goto(`${app.baseUrl}/studio/episodes/${ids.midnight}`);
    await paris.click('#edit-article summary');
    assert.equal(await paris.inputValue('#f-publishedAt'), '2018-06-01T00:30');
    await paris.fill('#f-publishedAt', '2018-06-01T23:45');
    await paris.click('#metadata-form button[type="submit"]');
    await paris.waitForSelector('#metadata-status:has-text("Enregistré")');
    assert.equal((await episode(ids.midnight)).publishedAt, '2018-06-01T21:45:00.000Z');
    await paris.context().close();
  });

  it('offers only the publication actions the episode’s state allows', async () => {
    const page = await signedIn('Europe/Paris');
    const url = `${app.baseUrl}/studio/episodes/${ids.morning}`;
    const buttons = () => page.locator('#publication button').allTextContents();
    await page.goto(url);
    // Ready: publish now or schedule; the field's label is not the button's name.
    assert.deepEqual(await buttons(), ['Publier maintenant', 'Programmer']);
    assert.equal(
      await page.textContent('label[for="schedule-at"]'),
      'Date et heure de publication',
    );
    // Before publication, the loudness table does not call the processed figures "published".
    assert.deepEqual(await page.locator('#loudness thead th').allTextContents(), [
      'Enregistrement',
      'Après traitement',
      'Cible',
    ]);
    // Scheduling with no time says so, and nothing is published.
    await page.click('#schedule');
    await page.waitForSelector('#publish-error:has-text("Choisissez d’abord")');
    assert.equal((await episode(ids.morning)).state, 'ready');

    await page.click('#publish-now');
    await page.waitForSelector('#episode-state.state-published');
    assert.deepEqual(await buttons(), ['Dépublier']);
    assert.equal(
      await page.textContent('#publication-status'),
      'Publié ; date affichée par les applis : 31/05/2018 09:30',
    );

    await page.click('#unpublish');
    await page.waitForSelector('#episode-state.state-unpublished');
    assert.deepEqual(await buttons(), ['Publier maintenant', 'Programmer']);
    await page.fill('#schedule-at', '2030-01-15T10:00');
    await page.click('#schedule');
    await page.waitForSelector('#episode-state.state-scheduled');
    assert.equal((await episode(ids.morning)).scheduledAt, '2030-01-15T09:00:00.000Z');
    assert.equal(
      await page.textContent('#publication-status'),
      'Programmé pour le 15/01/2030 10:00',
    );
    assert.equal(await page.inputValue('#schedule-at'), '2030-01-15T10:00');
    await shot(page, '01-scheduled');
    assert.deepEqual(await buttons(), [
      'Déplacer la publication à cette heure',
      'Annuler la programmation',
      'Publier maintenant',
    ]);

    // The time is moved…
    await page.fill('#schedule-at', '2030-01-15T11:30');
    await page.click('#schedule');
    await page.waitForSelector('#publication-status:has-text("11:30")');
    assert.equal((await episode(ids.morning)).scheduledAt, '2030-01-15T10:30:00.000Z');
    // …then the schedule cancelled: the episode is a draft again.
    await page.click('#cancel-schedule');
    await page.waitForSelector('#episode-state.state-unpublished');
    const cancelled = await episode(ids.morning);
    assert.equal(cancelled.scheduledAt, null);
    assert.deepEqual(await buttons(), ['Publier maintenant', 'Programmer']);
    assert.equal(await page.locator('#publication-status').count(), 0);
    await page.context().close();
  });

  it('chooses the Apple category and the language by name, and takes the cover file at creation', async () => {
    const page = await signedIn('Europe/Paris');
    await page.goto(`${app.baseUrl}/studio/shows`);
    await page.fill('#f-slug', 'Pas Valide');
    await page.fill('#f-title', 'Les « Politiques » du numérique');
    await page.fill('#f-description', 'Entretiens politiques de la rédaction.');
    await page.fill('#f-author', 'La rédaction');
    await page.fill('#f-owner-name', 'La rédaction');
    await page.fill('#f-owner-email', 'podcast@example.org');
    await page.fill('#f-siteUrl', 'https://example.org/politique');
    // The slug's pattern runs in the browser: its rule, in French, before anything is sent.
    await page.click('#show-form button[type="submit"]');
    await page
      .locator('#f-slug-error')
      .filter({ hasText: /lettres minuscules/ })
      .waitFor();
    await page.fill('#f-slug', 'politiques');

    // Categories are found by their French name; Apple's English name is what is stored.
    await page.fill('#f-category-filter', 'polit');
    const shown = await page.$$eval('#f-category option:not([hidden])', (options) =>
      options.map((o) => o.textContent),
    );
    assert.deepEqual(shown, ['Actualités › Politique']);
    await shot(page, '02-category-filter');
    assert.match((await page.textContent('#f-category-matches')) ?? '', /1/);
    await page.fill('#f-language-filter', 'anglais');
    await page.selectOption('#f-language', 'en');

    // A cover that breaks Apple's rules is refused next to its field; no show is made.
    await page.setInputFiles('#f-artwork', await image(1000, 1000, 'png'));
    await page.click('#show-form button[type="submit"]');
    await page
      .locator('#f-artwork-error')
      .filter({ hasText: /1400 à 3000/ })
      .waitFor();
    assert.equal(
      (await fetch(`${app.baseUrl}/api/shows/politiques`, { headers: EDITOR_HEADERS })).status,
      404,
    );
    await page.setInputFiles('#f-artwork', await image(1400, 1400, 'png'));
    await page.click('#show-form button[type="submit"]');
    await page.waitForURL(/\/studio\/shows\/politiques$/);
    const show = (await (
      await fetch(`${app.baseUrl}/api/shows/politiques`, { headers: EDITOR_HEADERS })
    ).json()) as { category: string; subcategory: string; language: string; artworkUrl: string };
    assert.deepEqual([show.category, show.subcategory, show.language], ['News', 'Politics', 'en']);
    assert.match(show.artworkUrl, /\/media\/public\/shows\/.+\/artwork-[0-9a-f]{12}\.png$/);

    // The settings page shows the choice made, by name; another is saved as Apple names it.
    await page.goto(`${app.baseUrl}/studio/shows/politiques/settings`);
    assert.equal(
      await page.$eval('#f-category', (s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      'Actualités › Politique',
    );
    await page.fill('#f-category-filter', 'societe philo');
    await page.click('#show-settings-form button[type="submit"]');
    await page
      .waitForSelector('#show-settings-status:has-text("Enregistré")', { timeout: 5000 })
      .catch(async (e) => {
        console.log(await page.locator('#show-settings-form .error').allTextContents());
        throw e;
      });
    const saved = (await (
      await fetch(`${app.baseUrl}/api/shows/politiques`, { headers: EDITOR_HEADERS })
    ).json()) as { category: string; subcategory: string };
    assert.deepEqual([saved.category, saved.subcategory], ['Society & Culture', 'Philosophy']);
    await page.context().close();
  });

  for (const [lang, locale] of [
    ['French', 'fr-FR'],
    ['English', 'en-US'],
  ] as const) {
    it(`names every control of every studio page uniquely, with nothing in the console (${lang})`, async () => {
      // Two tokens of one name, and an editor, so that lists have look-alike rows.
      for (const name of ['CMS', 'CMS'])
        await app.authed('/api/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
      const context = await browser.newContext({ locale, timezoneId: 'Europe/Paris' });
      // The fixtures' images are on example.org, out of this closed network's reach.
      await context.route('https://example.org/**', (route) =>
        route.fulfill({ contentType: 'image/png', body: ONE_PIXEL_PNG }),
      );
      const page = await context.newPage();
      const logged: string[] = [];
      const listen = (message: ConsoleMessage) => {
        if (message.type() === 'error' || message.type() === 'warning')
          logged.push(`${message.type()} on ${new URL(page.url()).pathname}: ${message.text()}`);
      };
      page.on('console', listen);
      page.on('pageerror', (error) => logged.push(`page error: ${error.message}`));

      await page.goto(`${app.baseUrl}/studio/login`);
      assert.equal(await page.getAttribute('html', 'lang'), locale.slice(0, 2));
      await assertUniqueNames(page);
      await page.fill('#f-email', ADMIN.email);
      await page.fill('#f-password', ADMIN.password);
      await page.click('#login-form button[type="submit"]');
      await page.waitForURL(/\/studio\/shows$/);

      const scheduled = await episode(ids.evening);
      if (scheduled.state !== 'scheduled') {
        const res = await app.authed(`/api/episodes/${ids.evening}/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ at: '2030-01-15T09:00:00.000Z' }),
        });
        assert.equal(res.status, 200);
      }
      const published = await episode(ids.midnight);
      if (published.state !== 'published') {
        const res = await app.authed(`/api/episodes/${ids.midnight}/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        assert.equal(res.status, 200);
      }
      const pages = [
        '/studio/shows',
        `/studio/shows/${SHOW_INPUT.slug}`,
        `/studio/shows/${SHOW_INPUT.slug}/settings`,
        `/studio/shows/${SHOW_INPUT.slug}/new`,
        `/studio/episodes/${ids.morning}`,
        `/studio/episodes/${ids.evening}`,
        `/studio/episodes/${ids.midnight}`,
        `/studio/episodes/${ids.failed}`,
        '/studio/tokens',
        '/studio/users',
        '/studio/account',
      ];
      for (const path of pages) {
        const response = await page.goto(`${app.baseUrl}${path}`);
        assert.equal(response?.status(), 200, path);
        assert.ok((await assertUniqueNames(page)).length > 5, path);
        // Browsers compile a pattern when there is a value to check: the check runs.
        for (const input of await page.locator('input[pattern]').all()) {
          await input.fill('Pas Valide');
          const mismatch = (el: HTMLInputElement) => el.validity.patternMismatch;
          assert.equal(await input.evaluate(mismatch), true, `${path}: pattern checked`);
          await input.fill('un-exemple');
          assert.equal(await input.evaluate(mismatch), false, path);
        }
      }
      assert.deepEqual([...logged], [], 'console errors and warnings');
      // A page that cannot be shown answers in the editor's language, named as well; the
      // console says only that its own status is 404.
      await page.goto(`${app.baseUrl}/studio/episodes/zzzz`);
      await assertUniqueNames(page);
      assert.deepEqual(
        logged.map((l) => l.replace(/status of 404 \(Not Found\)$/, '…')),
        ['error on /studio/episodes/zzzz: Failed to load resource: the server responded with a …'],
      );

      // An editor opening an administrators' page: the 403 page, named as well.
      const created = await page.request.post(`${app.baseUrl}/api/users`, {
        headers: {
          'x-csrf-token': (await page.getAttribute('meta[name="csrf-token"]', 'content'))!,
        },
        data: {
          email: `redac-${locale}@example.org`,
          name: `Rédaction ${locale}`,
          role: 'editor',
          password: 'une phrase de passe longue',
        },
      });
      assert.equal(created.status(), 201);
      const editorContext = await browser.newContext({ locale, timezoneId: 'Europe/Paris' });
      const editor = await editorContext.newPage();
      const editorLog: string[] = [];
      editor.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') editorLog.push(m.text());
      });
      await editor.goto(`${app.baseUrl}/studio/login`);
      await editor.fill('#f-email', `redac-${locale}@example.org`);
      await editor.fill('#f-password', 'une phrase de passe longue');
      await editor.click('#login-form button[type="submit"]');
      await editor.waitForURL(/\/studio\/shows$/);
      assert.equal((await editor.goto(`${app.baseUrl}/studio/tokens`))?.status(), 403);
      await assertUniqueNames(editor);
      assert.deepEqual(
        editorLog.map((l) => l.replace(/status of 403 \(Forbidden\)$/, '…')),
        ['Failed to load resource: the server responded with a …'],
      );
      await editorContext.close();
      await context.close();
    });
  }
});
