/**
 * The quality report in the studio, in Chromium: an interview with 20 s of dead air
 * shows its blocking finding in French; "Publish now" is refused until the editor
 * writes a reason, then the episode is published and the reason shown on the page,
 * at its time in the editor's zone (Paris and New York differ). The show's
 * thresholds form changes a finding's severity (and a bad value is told next to
 * its field); the artwork's problem is French for a French editor, English for
 * an English one; every control is named once and nothing reaches the console.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertUniqueNames } from '../helpers/accessibility.js';
import { launchChromium, signInToStudio } from '../helpers/browser.js';
import { MP3_ONLY_LADDER, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { image } from '../fixtures/images.js';
import { withGap } from '../fixtures/quality-audio.js';

describe('quality report in the studio (Chromium)', function () {
  this.timeout(120_000);
  // The report comes from the input pass, and no rendition is read: the show encodes the MP3 alone.
  const app = useTestApp({ engine: 'pglite', env: ADMIN_ENV }, { ladder: MP3_ONLY_LADDER });
  let browser: Browser;
  let id: string;
  /** Console errors and warnings, page errors, of the pages opened by these tests. */
  const logged: string[] = [];

  /** A signed-in administrator's page in a browser at `timezoneId`, in `locale`. */
  async function signedIn(locale: string, timezoneId: string): Promise<Page> {
    const context = await browser.newContext({ locale, timezoneId });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        logged.push(`${message.type()} on ${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => logged.push(`page error: ${error.message}`));
    await signInToStudio(page, app.baseUrl, ADMIN);
    return page;
  }

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
    const page = await signedIn('fr-FR', 'Europe/Paris');
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
    // The findings overridden, by their French names.
    assert.ok(overrides[0]!.includes('(malgré : Blanc à l’antenne)'), overrides[0]);
    await page.context().close();
  });

  it('shows when the override was made in the editor’s time zone (Paris, New York)', async () => {
    // The override recorded by the test above.
    const hours: string[] = [];
    for (const [locale, timezoneId] of [
      ['fr-FR', 'Europe/Paris'],
      ['en-US', 'America/New_York'],
    ] as const) {
      const page = await signedIn(locale, timezoneId);
      await page.goto(`${app.baseUrl}/studio/episodes/${id}`);
      const time = page.locator('#quality-overrides time');
      const instant = (await time.getAttribute('datetime'))!;
      assert.ok(Number.isFinite(Date.parse(instant)), instant);
      // The script has replaced the ISO instant by a local date and time.
      await page.waitForFunction(
        () => !document.querySelector('#quality-overrides time')?.textContent?.includes('T'),
      );
      const shown = (await time.textContent()) ?? '';
      const expected = new Intl.DateTimeFormat('en-GB', {
        timeZone: timezoneId,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(instant));
      assert.ok(shown.includes(expected), `${shown} in ${timezoneId} should show ${expected}`);
      hours.push(expected);
      await page.context().close();
    }
    assert.notEqual(hours[0], hours[1]);
  });

  it('changes a finding’s severity from the show’s settings, and tells a bad value next to its field', async () => {
    const page = await signedIn('fr-FR', 'Europe/Paris');
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}/settings`);
    const form = page.locator('#quality-settings-form');
    // Defaults shown: the value in effect and, beside it, the default.
    assert.equal(await page.inputValue('#qs-deadAirSeconds'), '10');
    assert.equal(await page.textContent('#qs-deadAirSeconds-hint'), 'Par défaut : 10 (de 2 à 600)');
    assert.equal(
      await page.locator('#qs-severity-dead-air option:checked').textContent(),
      'Bloquant (par défaut)',
    );
    assert.equal(
      await page.getAttribute('label[for="qs-severity-dead-air"]', 'for'),
      'qs-severity-dead-air',
    );

    // Out of range: the API's 400 lands next to the field, nothing is saved.
    await page.fill('#qs-deadAirSeconds', '1');
    await page.selectOption('#qs-severity-dead-air', 'warning');
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('#qs-deadAirSeconds[aria-invalid="true"]');
    assert.notEqual((await page.textContent('#qs-deadAirSeconds-error'))?.trim(), '');
    const unchanged = (await (await app.authed(`/api/shows/${SHOW_INPUT.slug}`)).json()) as {
      quality: { severities: Record<string, string> };
    };
    assert.equal(unchanged.quality.severities['dead-air'], 'blocking');

    await page.fill('#qs-deadAirSeconds', '');
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('#quality-settings-status:has-text("Seuils enregistrés")');
    assert.equal(await page.textContent('#qs-deadAirSeconds-error'), '');
    const saved = (await (await app.authed(`/api/shows/${SHOW_INPUT.slug}`)).json()) as {
      quality: { deadAirSeconds: number; severities: Record<string, string> };
    };
    assert.equal(saved.quality.severities['dead-air'], 'warning');
    assert.equal(saved.quality.deadAirSeconds, 10);

    // The episode's report follows at once.
    await page.goto(`${app.baseUrl}/studio/episodes/${id}`);
    const finding = page.locator('#quality-findings li[data-code="dead-air"]');
    assert.equal(await finding.getAttribute('data-severity'), 'warning');
    assert.match((await finding.textContent()) ?? '', /^Avertissement \d+(,\d+)? s de silence/);
    await page.context().close();
  });

  it('words the artwork’s problem in French for a French editor, in English for an English one', async () => {
    // Square artwork of another size (a new stored file), then broken where it is stored,
    // as a file stored before the rule existed would be.
    const put = await app.authed(`/api/shows/${SHOW_INPUT.slug}/artwork`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: await fs.readFile(await image(1500, 1500, 'png')),
    });
    assert.equal(put.status, 200);
    const { artworkUrl } = (await put.json()) as { artworkUrl: string };
    const name = path.basename(new URL(artworkUrl).pathname);
    const entries = await fs.readdir(app.dataDir, { recursive: true });
    const stored = entries.filter((e) => path.basename(e) === name);
    assert.equal(stored.length, 1, name);
    await fs.copyFile(await image(1500, 1000, 'png'), path.join(app.dataDir, stored[0]!));

    const fr = await signedIn('fr-FR', 'Europe/Paris');
    await fr.goto(`${app.baseUrl}/studio/episodes/${id}`);
    const french =
      (await fr.locator('#quality-findings li[data-code="artwork-invalid"]').textContent()) ?? '';
    assert.match(
      french,
      /^Bloquant La pochette de l’émission ne respecte pas les règles d’Apple : elle mesure 1\s500×1\s000 pixels ; elle doit être carrée\.$/u,
    );
    assert.doesNotMatch(french, /\b(the|is|must|artwork|square|breaks|rules|it)\b/i);
    await fr.context().close();

    const en = await signedIn('en-US', 'America/New_York');
    await en.goto(`${app.baseUrl}/studio/episodes/${id}`);
    assert.equal(
      await en.locator('#quality-findings li[data-code="artwork-invalid"]').textContent(),
      'Blocking The show’s artwork breaks Apple’s rules: it is 1,500×1,000 pixels; it must be square.',
    );
    await en.context().close();
  });

  for (const locale of ['fr-FR', 'en-US']) {
    it(`names every control of the settings and episode pages once, with nothing in the console (${locale})`, async () => {
      // Only these visits: the refusals provoked above (409, 400) are logged by Chromium.
      logged.length = 0;
      const page = await signedIn(locale, 'Europe/Paris');
      for (const where of [`/studio/shows/${SHOW_INPUT.slug}/settings`, `/studio/episodes/${id}`]) {
        await page.goto(`${app.baseUrl}${where}`);
        const controls = await assertUniqueNames(page);
        if (where.endsWith('/settings')) {
          // The thresholds and each finding's severity, labelled.
          assert.equal(controls.filter((c) => c.role === 'spinbutton').length, 7);
          assert.ok(controls.filter((c) => c.role === 'combobox').length >= 10);
        }
      }
      await page.context().close();
      assert.deepEqual(logged, []);
    });
  }
});
