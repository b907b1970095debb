/**
 * Issue 13, moving a feed from the studio in real Chromium (French UI): the
 * show's settings page changes its slug, goes to the settings under the new
 * one, lists the former address as redirected, and that address answers 301.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestShow, startTestApp, type TestApp } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { launchChromium, signInToStudio } from '../helpers/browser.js';

describe('studio in Chromium: moving a show’s feed', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startTestApp({ engine: 'pglite', worker: false, env: ADMIN_ENV });
    await createTestShow(app);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.goto(`${app.baseUrl}/studio`);
    await page.waitForURL(/\/studio\/login/);
    await signInToStudio(page, app.baseUrl, ADMIN);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('changes the slug; the old feed address then redirects to the new one', async () => {
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}/settings`);
    const slug = page.getByLabel('Slug de l’émission (dans l’adresse de son flux)');
    assert.equal(await slug.inputValue(), SHOW_INPUT.slug);
    assert.equal(await page.getByLabel('Adresse du flux chez un autre hébergeur').inputValue(), '');
    await slug.fill('normandie-numerique-bis');
    await page.getByRole('button', { name: 'Déplacer le flux' }).click();
    await page.waitForURL(/\/studio\/shows\/normandie-numerique-bis\/settings$/);
    const former = (await page.textContent('#former-feed-urls')) ?? '';
    assert.ok(former.includes(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`), former);
    const old = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`, { redirect: 'manual' });
    assert.equal(old.status, 301);
    assert.equal(old.headers.get('location'), `${app.baseUrl}/feeds/normandie-numerique-bis.xml`);
  });

  it('refuses a slug in the wrong form next to the field, in French', async () => {
    await page.getByLabel('Slug de l’émission (dans l’adresse de son flux)').fill('Pas Un Slug');
    await page.getByRole('button', { name: 'Déplacer le flux' }).click();
    const error = page.locator('#move-slug-error');
    await error.filter({ hasText: /\S/ }).waitFor();
    assert.match((await error.textContent()) ?? '', /minuscules|lettres/);
    assert.match(page.url(), /normandie-numerique-bis\/settings$/);
  });
});
