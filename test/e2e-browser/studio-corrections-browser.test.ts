/**
 * Issue 13, corrections in the studio, in real Chromium (French UI): on a
 * published episode's page an editor cuts a passage with a reason and a public
 * note written in French; the history gains the new version, which the page
 * follows until it is online (no reload by hand), and the note is on the public
 * episode page. Mistakes are said next to their field; every control keeps a
 * unique accessible name; nothing in the console.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import {
  createTestShow,
  MP3_ONLY_LADDER,
  startTestApp,
  uploadEpisode,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { assertUniqueNames } from '../helpers/accessibility.js';
import { launchChromium, signInToStudio } from '../helpers/browser.js';
import { listVersions } from '../helpers/corrections.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { interview } from '../fixtures/audio.js';

const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const ARTIFACTS = path.resolve('test-artifacts');
const REASON = 'Citation inexacte : l’invitée a demandé « une précision »';
const NOTE = 'Un passage « inexact » a été retiré à la demande de l’invitée, le 2 mai.';

describe('studio corrections in Chromium: cut a passage, follow the version, the note in public', function () {
  // Longer than the layer’s timeout: processes speech, then again for the correction, in a browser.
  this.timeout(180_000);
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let episodeId: string;
  const logged: string[] = [];

  const shot = (name: string) =>
    page.screenshot({
      path: path.join(ARTIFACTS, `studio-corrections-${name}.png`),
      fullPage: true,
    });
  const row = (n: number) => page.locator(`#versions tr[data-version="${n}"]`);

  before(async () => {
    await fs.mkdir(ARTIFACTS, { recursive: true });
    app = await startTestApp({ engine: 'pglite', env: ADMIN_ENV });
    // Of the renditions, only the MP3 (the enclosure) is used: the show encodes it alone.
    await createTestShow(app, { ladder: MP3_ONLY_LADDER });
    const upload = await uploadEpisode(app, await interview());
    assert.equal(upload.status, 202, await upload.clone().text());
    episodeId = ((await upload.json()) as { id: string }).id;
    const ready = await waitForEpisode(app.baseUrl, episodeId, undefined, 90_000);
    assert.equal(ready.state, 'ready', String(ready.failureReason));
    const published = await app.authed(`/api/episodes/${episodeId}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(published.status, 200, await published.clone().text());

    browser = await launchChromium();
    context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    // The fixtures' images are on example.org, out of this closed network's reach.
    await context.route('https://example.org/**', (route) =>
      route.fulfill({ contentType: 'image/png', body: ONE_PIXEL_PNG }),
    );
    page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' || message.type() === 'warning')
        logged.push(`${message.type()} on ${new URL(page.url()).pathname}: ${message.text()}`);
    });
    page.on('pageerror', (error) => logged.push(`page error: ${error.message}`));
    await signInToStudio(page, app.baseUrl, ADMIN);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('says what is wrong next to the field, in French', async () => {
    await page.goto(`${app.baseUrl}/studio/episodes/${episodeId}`);
    assert.equal(await page.textContent('#corrections-heading'), 'Rectificatifs');
    assert.equal(await row(1).locator('.state').textContent(), 'en ligne');
    await assertUniqueNames(page);

    // Nothing to cut: said by the page, next to the passages, which get the focus.
    await page.fill('#correction-reason', REASON);
    await page.fill('#correction-note', NOTE);
    await page.click('#correction-form button[type="submit"]');
    assert.equal(
      await page.textContent('#correction-cuts-error'),
      'Indiquez les passages à retirer ou un enregistrement de remplacement.',
    );
    assert.equal(await page.getAttribute('#correction-cuts', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'correction-cuts');
    // Not a range.
    await page.fill('#correction-cuts', 'de 1 à 2');
    await page.click('#correction-form button[type="submit"]');
    assert.match(
      (await page.textContent('#correction-cuts-error')) ?? '',
      /^Écrivez chaque passage sous la forme début–fin/,
    );
    // A range past the end, on the second line: the server's problem, next to the passages, with its line.
    await page.fill('#correction-cuts', '0:01–0:02\n0:03–9:00');
    await page.click('#correction-form button[type="submit"]');
    const error = await page.waitForFunction(
      () => document.querySelector('#correction-cuts-error')?.textContent ?? '',
      undefined,
      { timeout: 5000 },
    );
    assert.match(String(await error.jsonValue()), /^Ligne 2 : must be at most .*\(0:1\d/);
    // Nothing was recorded by any of these; the console says only that the API answered 400.
    assert.deepEqual(
      (await listVersions(app, episodeId)).map((v) => v.state),
      ['live'],
    );
    assert.deepEqual(
      logged.splice(0).map((l) => l.replace(/status of 400 \(Bad Request\)$/, '…')),
      [
        `error on /studio/episodes/${episodeId}: Failed to load resource: the server responded with a …`,
      ],
    );
  });

  it('cuts a passage: the history gains the version, the page follows it online, the note is public', async () => {
    await page.goto(`${app.baseUrl}/studio/episodes/${episodeId}`);
    await page.fill('#correction-cuts', '0:01–0:02');
    await page.fill('#correction-reason', REASON);
    await page.fill('#correction-note', NOTE);
    await page.click('#correction-form button[type="submit"]');

    // The page shows the new version as soon as it is recorded…
    await row(2).waitFor({ timeout: 10_000 });
    assert.match((await row(2).textContent()) ?? '', /Passages coupés \(0:01–0:02\)/);
    assert.ok(((await row(2).textContent()) ?? '').includes(REASON), 'the reason, as typed');
    assert.ok(((await row(2).textContent()) ?? '').includes(NOTE), 'the note, as typed');
    await shot('queued');
    // …and follows it until it is online, the one before replaced.
    await page.waitForSelector('#versions tr[data-version="2"] .state-live', { timeout: 120_000 });
    assert.equal(await row(2).locator('.state').textContent(), 'en ligne');
    assert.equal(await row(1).locator('.state').textContent(), 'remplacée');
    assert.match((await row(2).textContent()) ?? '', /LUFS/);
    await shot('live');
    await assertUniqueNames(page);

    const versions = await listVersions(app, episodeId);
    assert.deepEqual(
      versions.map((v) => [v.number, v.state, v.reason, v.note]),
      [
        [2, 'live', REASON, NOTE],
        [1, 'superseded', null, null],
      ],
    );
    assert.equal(versions[0]!.createdBy, 'Administrator');

    // The public page: the note under its dated heading, as typed.
    await page.goto(`${app.baseUrl}/episodes/${episodeId}`);
    const section = page.locator('.pg-corrections');
    assert.equal(await section.locator('h2').textContent(), 'Rectificatifs');
    assert.ok(((await section.textContent()) ?? '').includes(NOTE), await section.innerHTML());
    assert.match((await section.textContent()) ?? '', /Rectificatif du \d{1,2} \S+ \d{4}/);

    assert.deepEqual(logged, [], 'console errors and warnings');
  });
});
