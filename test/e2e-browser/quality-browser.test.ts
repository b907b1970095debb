/**
 * The quality report in the studio, in Chromium: an interview with 20 s of dead air
 * shows its blocking finding in French; "Publish now" is refused until the editor
 * writes a reason, then the episode is published and the reason shown on the page.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { image } from '../fixtures/images.js';
import { withGap } from '../fixtures/quality-audio.js';

describe('quality report in the studio (Chromium)', function () {
  this.timeout(120_000);
  const app = useTestApp({ engine: 'pglite', env: ADMIN_ENV });
  let browser: Browser;
  let id: string;

  before(async () => {
    browser = await launchChromium();
    await app.authed(`/api/shows/${SHOW_INPUT.slug}/artwork`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: await fs.readFile(await image(1400, 1400, 'png')),
    });
    const res = await uploadEpisode(app, await withGap());
    id = ((await res.json()) as { id: string }).id;
    assert.equal((await waitForEpisode(app.baseUrl, id)).state, 'ready');
  });

  after(async () => {
    await browser?.close();
  });

  it('refuses to publish without a reason, then publishes and shows who overrode and why', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/studio/login`);
    await page.fill('#f-email', ADMIN.email);
    await page.fill('#f-password', ADMIN.password);
    await page.click('#login-form button[type="submit"]');
    await page.waitForURL(/\/studio\/shows$/);
    await page.goto(`${app.baseUrl}/studio/episodes/${id}`);

    const finding = page.locator('#quality-findings li[data-code="dead-air"]');
    assert.equal(await finding.getAttribute('data-severity'), 'blocking');
    assert.match((await finding.textContent()) ?? '', /^Bloquant \d+(,\d+)? s de silence de 0:1\d/);
    assert.match(
      (await finding.locator('button.seek').getAttribute('aria-label')) ?? '',
      /^Écouter à partir de 0:1\d$/,
    );

    await page.click('#publish-now');
    await page.waitForSelector('#publish-error:has-text("Le rapport de qualité signale")');
    assert.equal(await page.textContent('#episode-state'), 'Prêt');

    const reason = 'Silence voulu : « minute de recueillement » à l’antenne';
    await page.fill('#override-reason', reason);
    await page.click('#publish-now');
    await page.waitForSelector('#episode-state.state-published');
    const overrides = await page.locator('#quality-overrides li').allTextContents();
    assert.equal(overrides.length, 1);
    assert.ok(overrides[0]!.includes(`« ${reason} »`), overrides[0]);
    assert.ok(overrides[0]!.includes('dead-air'));
    await context.close();
  });
});
