/**
 * Issue 16 acceptance in Chromium (French): a large generated WAV goes up through the
 * studio's new-episode page, the network is cut mid-way (CDP offline), comes back, and
 * the upload completes from where the server stopped: the server receives less than
 * 1.3 × the file in total. Progress reads in French units all along, the page says the
 * connection was lost, the editor can pause and resume it, and the episode processes.
 *
 * Chromium's offline emulation fails new requests but lets a request body already on
 * its way finish (unthrottled): the cut falls between two of the page's 8 MB PATCHes.
 * A cut in the middle of a PATCH is test/e2e/resumable-upload.test.ts's (tus-js-client
 * in Node, aborted mid-request).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, signInToStudio } from '../helpers/browser.js';
import { createTestShow, startTestApp, waitForEpisode, type TestApp } from '../helpers/app.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { countReceivedBytes } from '../helpers/uploads.js';
import { largeTone } from '../fixtures/audio.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';

/** Upload speed while throttled: the cut then falls well inside the upload. */
const THROUGHPUT = 15_000_000;

describe('studio in Chromium: a resumable upload survives a cut connection', function () {
  // Longer than the layer’s timeout: 75 MB through a throttled browser, then the ladder.
  this.timeout(240_000);
  const received = countReceivedBytes();
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let file: string;

  const serverBytes = () => [...received.byUpload.values()].reduce((a, b) => a + b, 0);
  const until = async (what: string, check: () => boolean | Promise<boolean>) => {
    for (let i = 0; !(await check()); i++) {
      assert.ok(i < 1200, `still waiting: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    file = await largeTone(50);
    app = await startTestApp({
      engine: 'pglite',
      env: ADMIN_ENV,
      antenneOptions: { wrapUploadStore: (store) => received.wrap(store) },
    });
    await createTestShow(app);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'fr-FR' });
    page = await context.newPage();
    await page.goto(`${app.baseUrl}/studio`);
    await page.waitForURL(/\/studio\/login/);
    await signInToStudio(page, app.baseUrl, ADMIN);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('is cut off mid-way, comes back, completes from where it stopped, and the episode processes', async () => {
    const size = (await fs.stat(file)).size;
    assert.ok(size > 60_000_000, `${size} bytes`);
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}/new`);
    await page.fill('#f-title', ARTICLE.title);
    await page.fill('#f-articleUrl', ARTICLE.articleUrl);
    await page.setInputFiles('#f-audio', file);
    assert.match(
      (await page.textContent('#file-name')) ?? '',
      /^large-tone-50s\.wav \(\d+,\d[\u00a0\u202f]Mo\)$/,
    );

    // Every line the progress shows, kept across the navigation at the end.
    await page.evaluate(() => {
      const text = document.querySelector('#upload-text')!;
      new MutationObserver(() => {
        const seen = JSON.parse(sessionStorage.getItem('uploadSeen') ?? '[]') as string[];
        seen.push(text.textContent ?? '');
        sessionStorage.setItem('uploadSeen', JSON.stringify(seen));
      }).observe(text, { childList: true, characterData: true, subtree: true });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const network = (offline: boolean) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: THROUGHPUT,
      });
    await network(false);
    await page.click('#upload-button');

    // A third in, the network goes away.
    await until('a third on the server', () => serverBytes() > size / 3);
    await network(true);
    await page.waitForSelector('#upload-text:has-text("Connexion perdue")', { timeout: 30_000 });
    const atCut = serverBytes();
    assert.ok(atCut < size, `${atCut} of ${size} before the cut`);
    // Offline for a while: nothing more arrives, the page keeps retrying.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(serverBytes(), atCut, 'bytes arrived while offline');
    await network(false);

    // Back online, it goes on by itself; the editor may also pause and resume it.
    await until('bytes again after the cut', () => serverBytes() > atCut);
    await page.click('#upload-pause');
    assert.equal(await page.textContent('#upload-pause'), 'Reprendre l’envoi');
    assert.equal(await page.getAttribute('#upload-pause', 'aria-pressed'), 'true');
    let last = -1;
    await until('nothing more while paused', async () => {
      const now = serverBytes();
      const still = now === last;
      last = now;
      if (!still) await new Promise((r) => setTimeout(r, 700));
      return still;
    });
    assert.ok(last < size, 'paused before the end');
    await page.click('#upload-pause');

    await page.waitForURL(/\/studio\/episodes\/[a-z0-9]+$/, { timeout: 120_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const total = serverBytes();
    assert.ok(total >= size, `${total} bytes received for ${size}`);
    assert.ok(total < 1.3 * size, `${total} bytes received for ${size}: not resumed`);

    const seen = JSON.parse(
      (await page.evaluate(() => sessionStorage.getItem('uploadSeen'))) ?? '[]',
    ) as string[];
    const progress = seen.filter((s) => s.includes(' sur '));
    assert.ok(progress.length > 2, seen.join(' | '));
    for (const line of progress) {
      // « 25,3 Mo sur 76,8 Mo — 32 % », with French spaces and decimal commas.
      assert.match(
        line,
        /^\d+(,\d+)?[\u00a0\u202f]Mo sur \d+(,\d+)?[\u00a0\u202f]Mo — \d+[\u00a0\u202f]%$/,
        line,
      );
    }
    assert.ok(
      seen.some((s) => s.startsWith('Connexion perdue')),
      'the page says the connection was lost',
    );
    const cutAt = seen.findIndex((s) => s.startsWith('Connexion perdue'));
    assert.ok(
      seen.slice(cutAt + 1).some((s) => s.includes(' sur ')),
      'progress goes on after the cut',
    );

    const id = /episodes\/([a-z0-9]+)$/.exec(page.url())![1]!;
    const episode = await waitForEpisode(app.baseUrl, id, undefined, 180_000);
    assert.equal(episode.state, 'ready', String(episode.failureReason));
  });
});
