/**
 * Issue 6 acceptance in a real browser (playwright-core + Debian's Chromium), in French:
 * sign in; create a show; prefill an episode from an article served on localhost;
 * drop a generated interview; watch the upload reach 100 % and processing progress;
 * the episode becomes ready; the feed lists it; copy the embed code. Then tokens and
 * the admin-only pages.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import Parser from 'rss-parser';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { QUEUES } from '../../src/core/jobs.js';
import { launchChromium, signInToStudio } from '../helpers/browser.js';
import { EDITOR_HEADERS, startTestApp, type TestApp } from '../helpers/app.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { serveArticle } from '../helpers/article-page.js';
import { interview } from '../fixtures/audio.js';

const ARTIFACTS = path.resolve('test-artifacts');
const EDITOR = { email: 'redac@example.org', password: 'une phrase de passe longue' };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `studio-${name}.png`), fullPage: true });
}

async function signIn(page: Page, baseUrl: string, who: { email: string; password: string }) {
  await page.goto(`${baseUrl}/studio`);
  await page.waitForURL(/\/studio\/login/);
  await signInToStudio(page, baseUrl, who);
}

describe('studio in Chromium: sign in, show, prefill, upload, progress, ready, feed, embed', function () {
  // Longer than the layer’s timeout: one walk in Chromium uploads speech and waits for the whole ladder.
  this.timeout(180_000);
  let app: TestApp;
  let article: Awaited<ReturnType<typeof serveArticle>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let audioFile: string;

  before(async () => {
    await fs.mkdir(ARTIFACTS, { recursive: true });
    article = await serveArticle();
    app = await startTestApp({
      engine: 'pglite',
      env: {
        ...ADMIN_ENV,
        PREFILL_ALLOWED_HOSTS: '127.0.0.1',
      },
    });
    audioFile = await interview();
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'fr-FR' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await article?.close();
  });

  it('refuses a wrong password with a plain message next to the form', async () => {
    await page.goto(`${app.baseUrl}/studio/shows`);
    await page.waitForURL(/\/studio\/login\?next=/);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await page.fill('#f-email', ADMIN.email);
    await page.fill('#f-password', 'pas le bon mot de passe');
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('[data-error-for="(form)"]:has-text("mot de passe incorrect")');
    await shot(page, '01-wrong-password');
  });

  it('signs in, then creates a show (errors next to the field first)', async () => {
    await signIn(page, app.baseUrl, ADMIN);
    await page.fill('#f-slug', 'Pas Valide');
    await page.fill('#f-title', 'Normandie Numérique');
    await page.fill('#f-description', 'Les entretiens « numériques » de la rédaction.');
    await page.fill('#f-author', 'La rédaction');
    await page.fill('#f-owner-name', 'La rédaction');
    await page.fill('#f-owner-email', 'podcast@example.org');
    await page.fill('#f-siteUrl', 'https://example.org/');
    await page.click('#show-form button[type="submit"]');
    // The slug's pattern is checked in the browser first, its rule said in French.
    const slugError = page.locator('#f-slug-error');
    await slugError.filter({ hasText: /lettres minuscules/ }).waitFor();
    assert.equal(await page.getAttribute('#f-slug', 'aria-invalid'), 'true');
    await shot(page, '02-show-error');
    await page.fill('#f-slug', 'normandie-numerique');
    await page.click('#show-form button[type="submit"]');
    await page.waitForURL(/\/studio\/shows\/normandie-numerique$/);
    assert.match((await page.textContent('h1')) ?? '', /Normandie Numérique/);
  });

  let episodeId = '';

  it('prefills from the article page, uploads with progress to 100 %, then shows processing progress until ready', async () => {
    await page.click('a[href="/studio/shows/normandie-numerique/new"]');
    await page.waitForURL(/\/new$/);
    await page.fill('#f-prefillUrl', article.url);
    await page.click('#prefill-button');
    await page.waitForFunction(
      () => (document.querySelector('#f-title') as HTMLInputElement).value !== '',
    );
    assert.equal(
      await page.inputValue('#f-title'),
      'La Team Normandie « chef de file » du numérique',
    );
    assert.equal(
      await page.inputValue('#f-summary'),
      'Entretien avec la secrétaire d’État chargée du numérique, à Caen.',
    );
    assert.equal(await page.inputValue('#f-author'), 'Marie Lefèvre, Théo Doré');
    assert.match(await page.inputValue('#f-categories'), /^Événements\nThématiques Normandie/);
    await shot(page, '03-prefilled');

    // Drop the file on the drop zone, as a DataTransfer from the desktop would.
    const bytes = await fs.readFile(audioFile);
    const dataTransfer = await page.evaluateHandle((b64: string) => {
      const bin = atob(b64);
      const arr = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([arr], 'entretien.wav', { type: 'audio/wav' }));
      return dt;
    }, bytes.toString('base64'));
    await page.dispatchEvent('#dropzone', 'drop', { dataTransfer });
    assert.match((await page.textContent('#file-name')) ?? '', /entretien\.wav/);

    // Slow the upload so that progress events arrive along the way.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: Math.ceil(bytes.length / 3),
    });
    // Record what the bar shows during the upload (the page navigates away at the end).
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      const bar = document.querySelector('#upload-progress') as HTMLProgressElement;
      new MutationObserver(() => {
        seen.push(bar.value);
        sessionStorage.setItem('uploadSeen', JSON.stringify(seen));
        sessionStorage.setItem('uploadText', document.querySelector('#upload-text')!.textContent);
      }).observe(document.querySelector('#upload-text')!, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await context.addInitScript(() => {
      // On the episode page: record every processing figure shown, across reloads.
      document.addEventListener('DOMContentLoaded', () => {
        const text = document.querySelector('#processing-text');
        if (!text) return;
        new MutationObserver(() => {
          const log = JSON.parse(sessionStorage.getItem('processingSeen') ?? '[]') as string[];
          log.push(text.textContent ?? '');
          sessionStorage.setItem('processingSeen', JSON.stringify(log));
        }).observe(text, { childList: true, characterData: true, subtree: true });
      });
    });
    await page.click('#upload-button');
    await page.waitForSelector('#upload-section:not([hidden])');
    await shot(page, '04-uploading');
    await page.waitForURL(/\/studio\/episodes\/[a-z0-9]+$/, { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    episodeId = /episodes\/([a-z0-9]+)$/.exec(page.url())![1]!;

    const seen = JSON.parse(
      (await page.evaluate(() => sessionStorage.getItem('uploadSeen'))) ?? '[]',
    ) as number[];
    const lastText = await page.evaluate(() => sessionStorage.getItem('uploadText'));
    assert.ok(
      seen.some((v) => v > 0 && v < 100),
      `the bar should move: ${seen.join(', ')}`,
    );
    assert.equal(seen.at(-1), 100);
    // The file went up resumably (tus), then the episode was created from it.
    assert.equal(lastText, 'Envoi terminé : création de l’épisode…');

    await page.waitForSelector('#episode-state.state-ready', { timeout: 90_000 });
    await shot(page, '05-ready');
    const processingSeen = JSON.parse(
      (await page.evaluate(() => sessionStorage.getItem('processingSeen'))) ?? '[]',
    ) as string[];
    assert.ok(
      processingSeen.some((s) => /^Traitement : \d+ %$/.test(s)),
      `processing progress should show: ${processingSeen.join(' | ')}`,
    );
    assert.ok((await page.locator('#renditions li').count()) >= 1);
    assert.ok(await page.locator('#preview-audio').count());
  });

  it('publishes now: the state says so and the preview becomes the embeddable player', async () => {
    await page.click('#publish-now');
    await page.waitForSelector('#episode-state.state-published');
    assert.equal(await page.textContent('#episode-state'), 'Publié');
    const frame = page.frameLocator('#preview');
    await frame.locator('audio').waitFor({ state: 'attached' });
    await shot(page, '05b-published');
  });

  it('the feed lists the published episode', async () => {
    const xml = await (await fetch(`${app.baseUrl}/feeds/normandie-numerique.xml`)).text();
    const feed = await new Parser().parseString(xml);
    assert.deepEqual(
      feed.items.map((i) => i.title),
      ['La Team Normandie « chef de file » du numérique'],
    );
  });

  it('copies the embed code to the clipboard', async () => {
    await page.click('button.copy[data-copy="embed-code"]');
    await page.waitForSelector('#copy-status:has-text("Copié")');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, new RegExp(`^<iframe src="${app.baseUrl}/embed/episodes/${episodeId}"`));
    assert.equal(copied, await page.inputValue('#embed-code'));
    await shot(page, '06-embed-copied');
  });

  it('creates a clip by dragging across the waveform', async () => {
    const wave = page.locator('#waveform');
    await wave.waitFor();
    await wave.scrollIntoViewIfNeeded();
    const box = (await wave.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const start = Number(await page.inputValue('#clip-start'));
    const end = Number(await page.inputValue('#clip-end'));
    assert.ok(start > 0 && end > start + 1, `selection ${start}–${end}`);
    // The waveform was drawn from the peaks: some pixels are the waveform's colour.
    const painted = await wave.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 5 && d[i + 1] === 102) n++;
      return n;
    });
    assert.ok(painted > 100, `waveform pixels: ${painted}`);
    await page.fill('#clip-title', 'Extrait « chef de file »');
    await page.click('#clip-form button[type="submit"]');
    await page.waitForSelector('#clips li:has-text("Extrait « chef de file »")');
    await shot(page, '06b-clip');
    const clips = (await (
      await fetch(`${app.baseUrl}/api/episodes/${episodeId}/clips`, { headers: EDITOR_HEADERS })
    ).json()) as {
      title: string;
      start: number;
      end: number;
    }[];
    assert.deepEqual(
      clips.map((c) => [c.title, c.start, c.end]),
      [['Extrait « chef de file »', start, end]],
    );
  });

  it('lists the episode on the show page with its state and duration', async () => {
    await page.goto(`${app.baseUrl}/studio/shows/normandie-numerique`);
    const row = page.locator('#episodes tbody tr', { hasText: 'chef de file' });
    assert.match((await row.textContent()) ?? '', /Publié/);
    assert.match((await row.locator('td').nth(2).textContent()) ?? '', /^\d+:\d\d$/);
  });

  it('creates an API token shown once, which works until revoked in the studio', async () => {
    await page.goto(`${app.baseUrl}/studio/tokens`);
    await page.fill('#f-name', 'CMS « Une »');
    await page.click('#token-form button[type="submit"]');
    await page.waitForSelector('#new-token:not([hidden])');
    const token = await page.inputValue('#token-value');
    assert.ok(token.length >= 20);
    await shot(page, '07-token');
    const asToken = () =>
      fetch(`${app.baseUrl}/api/session`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await asToken()).status, 404); // authenticated, but not a session
    await page.reload();
    assert.equal(await page.locator('#token-value').inputValue(), '');
    await page.click('button.revoke');
    await page.waitForSelector('td:has-text("Révoqué")');
    const refused = await asToken();
    assert.equal(refused.status, 401);
  });

  it('an editor opening admin pages gets a 403 page saying why', async () => {
    const res = await page.request.post(`${app.baseUrl}/api/users`, {
      headers: {
        'x-csrf-token': (await page.getAttribute('meta[name="csrf-token"]', 'content'))!,
      },
      data: { ...EDITOR, name: 'Rédactrice', role: 'editor' },
    });
    assert.equal(res.status(), 201);
    const editorContext = await browser.newContext({ locale: 'fr-FR' });
    const editorPage = await editorContext.newPage();
    await signIn(editorPage, app.baseUrl, EDITOR);
    assert.equal(await editorPage.locator('a[href="/studio/tokens"]').count(), 0);
    for (const url of ['/studio/tokens', '/studio/queues']) {
      const response = await editorPage.goto(`${app.baseUrl}${url}`);
      assert.equal(response?.status(), 403, url);
      assert.match(
        (await editorPage.textContent('body')) ?? '',
        /réservée aux administrateurs|Administrators only/,
      );
    }
    await editorContext.close();
  });

  it('shows the queue dashboard to the administrator', async () => {
    const response = await page.goto(`${app.baseUrl}/studio/queues`);
    assert.equal(response?.status(), 200);
    const api = await page.request.get(`${app.baseUrl}/studio/queues/api/queues`);
    const body = (await api.json()) as { queues: { name: string }[] };
    assert.deepEqual(body.queues.map((q) => q.name).sort(), Object.values(QUEUES).sort());
    await shot(page, '08-queues');
  });

  it('falls back to polling when the event stream fails, and the file picker works too', async () => {
    await page.route('**/api/episodes/*/events', (route) => route.abort());
    await page.goto(`${app.baseUrl}/studio/shows/normandie-numerique/new`);
    await page.fill('#f-title', 'Deuxième entretien « sans flux »');
    await page.fill('#f-articleUrl', 'https://example.org/deuxieme');
    await page.setInputFiles('#f-audio', audioFile);
    await page.evaluate(() => sessionStorage.removeItem('processingSeen'));
    await page.click('#upload-button');
    await page.waitForURL(/\/studio\/episodes\/[a-z0-9]+$/, { timeout: 30_000 });
    await page.waitForSelector('#episode-state.state-ready', { timeout: 90_000 });
    assert.equal(await page.textContent('#episode-state'), 'Prêt');
    // Figures were shown while processing, with no event stream: they came from polling.
    const seen = JSON.parse(
      (await page.evaluate(() => sessionStorage.getItem('processingSeen'))) ?? '[]',
    ) as string[];
    assert.ok(
      seen.some((s) => /^Traitement : \d+ %$/.test(s)),
      seen.join(' | '),
    );
    await page.unroute('**/api/episodes/*/events');
  });

  it('unpublishes, then schedules for tomorrow: the feed leaves it out', async () => {
    await page.goto(`${app.baseUrl}/studio/episodes/${episodeId}`);
    await page.click('#unpublish');
    await page.waitForSelector('#episode-state.state-unpublished');
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await page.fill('#schedule-at', local);
    await page.click('#schedule');
    await page.waitForSelector('#episode-state.state-scheduled');
    assert.equal(await page.textContent('#episode-state'), 'Programmé');
    const episode = (await (
      await fetch(`${app.baseUrl}/api/episodes/${episodeId}`, { headers: EDITOR_HEADERS })
    ).json()) as {
      state: string;
      scheduledAt: string;
    };
    assert.equal(episode.state, 'scheduled');
    assert.ok(Math.abs(Date.parse(episode.scheduledAt) - tomorrow.getTime()) < 120_000);
    const xml = await (await fetch(`${app.baseUrl}/feeds/normandie-numerique.xml`)).text();
    assert.equal((await new Parser().parseString(xml)).items.length, 0);
  });

  it('switches the interface to English', async () => {
    await page.goto(`${app.baseUrl}/studio/shows`);
    await page.click('header a.lang');
    await page.waitForSelector('html[lang="en"]');
    assert.equal(await page.textContent('h1'), 'Shows');
  });
});
