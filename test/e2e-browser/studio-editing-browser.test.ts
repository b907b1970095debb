/**
 * Issue 6, what editors do after the first upload, in real Chromium (French UI):
 * a signed-out visit of an admin page goes through sign-in and back; show settings
 * and artwork with the size rules explained; loudness before/after; editing an
 * episode's article details later (the guid stays); retrying a failed episode; an
 * expired session said plainly. Every control of every page is labelled.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import Parser from 'rss-parser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  EDITOR_HEADERS,
  MP3_ONLY_LADDER,
  createTestShow,
  startTestApp,
  uploadEpisode,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { tempDir } from '../helpers/audio.js';
import { launchChromium } from '../helpers/browser.js';
import { interview, makeRandomBytes } from '../fixtures/audio.js';
import { image } from '../fixtures/images.js';

const ARTIFACTS = path.resolve('test-artifacts');

interface EpisodeBody {
  id: string;
  guid: string;
  state: string;
  title: string;
  updatedAt: string;
  processingRevision: number;
  failureReason: string | null;
  interviewees: { name: string; role?: string }[];
  loudness: {
    input: { integrated: number; truePeak: number };
    output: { integrated: number; truePeak: number };
  };
}

type FeedItem = { title?: string; guid?: string };
type Feed = { title?: string; itunes?: { image?: string }; items: FeedItem[] };

describe('studio in Chromium: settings, artwork, loudness, later edits, retry, expiry', function () {
  // Longer than the layer’s timeout: uploads speech in Chromium and waits for processing, retries and re-edits.
  this.timeout(180_000);
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  let ready: EpisodeBody;
  let failed: EpisodeBody;

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `studio-edit-${name}.png`), fullPage: true });
  const episode = async (id: string) =>
    (await (
      await fetch(`${app.baseUrl}/api/episodes/${id}`, { headers: EDITOR_HEADERS })
    ).json()) as EpisodeBody;
  const feed = async () =>
    (await new Parser().parseString(
      await (await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`)).text(),
    )) as unknown as Feed;

  /** Every visible control has a label a screen reader announces. */
  const assertLabelled = async () => {
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('input, select, textarea, button'))
        .filter((el) => !(el instanceof HTMLInputElement && el.type === 'hidden'))
        .filter((el) => {
          const labels = (el as HTMLInputElement).labels;
          const text = el instanceof HTMLButtonElement ? el.textContent?.trim() : '';
          return !labels?.length && !el.getAttribute('aria-label') && !text;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, [], `unlabelled controls on ${page.url()}`);
  };

  before(async () => {
    await fs.mkdir(ARTIFACTS, { recursive: true });
    work = await tempDir('studio-edit-');
    app = await startTestApp({
      engine: 'pglite',
      env: ADMIN_ENV,
    });
    // Of the renditions, only the MP3 (the enclosure) is used: the show encodes it alone.
    await createTestShow(app, { ladder: MP3_ONLY_LADDER });
    const upload = async (file: string, title: string) => {
      const res = await uploadEpisode(app, file, { title });
      assert.equal(res.status, 202);
      return ((await res.json()) as { id: string }).id;
    };
    const readyId = await upload(await interview(), ARTICLE.title);
    const failedId = await upload(
      await makeRandomBytes(work, 'pas-un-son.mp3'),
      'Un fichier « cassé »',
    );
    await waitForEpisode(app.baseUrl, readyId, undefined, 90_000);
    await waitForEpisode(app.baseUrl, failedId, undefined, 90_000);
    const published = await app.authed(`/api/episodes/${readyId}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(published.status, 200);
    ready = await episode(readyId);
    failed = await episode(failedId);
    assert.equal(ready.state, 'published');
    assert.equal(failed.state, 'failed');

    browser = await launchChromium();
    context = await browser.newContext({ locale: 'fr-FR' });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('sends a signed-out visit of an admin page to sign in (keyboard only), then back to it', async () => {
    const first = await page.goto(`${app.baseUrl}/studio/queues`);
    assert.equal(first?.status(), 200);
    assert.match(page.url(), /\/studio\/login\?next=%2Fstudio%2Fqueues$/);
    await assertLabelled();
    await page.focus('#f-email');
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/studio\/queues$/);
    assert.match((await page.title()) ?? '', /Antenne/);
    // The dashboard's own API is not a page: signed out, it answers 401 problem+json.
    const api = await fetch(`${app.baseUrl}/studio/queues/api/queues`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(api.status, 401);
  });

  it('answers a stale or mistyped studio link with a page in French, not JSON', async () => {
    for (const url of [
      '/studio/shows/plus-la/settings',
      '/studio/episodes/zzzz',
      '/studio/episodes/PAS_UN_ID',
    ]) {
      const response = await page.goto(`${app.baseUrl}${url}`);
      assert.equal(response?.status(), 404, url);
      assert.match(response?.headers()['content-type'] ?? '', /^text\/html/);
      assert.equal(await page.textContent('h1'), 'Introuvable');
      assert.equal(await page.locator('main a[href="/studio/shows"]').count(), 1);
    }
    // API clients still get the problem document.
    const api = await fetch(`${app.baseUrl}/api/episodes/zzzz`, { headers: EDITOR_HEADERS });
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /problem\+json/);
  });

  it('explains the artwork rules and refuses a wrong image next to the field, in French', async () => {
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}`);
    await page.click(`a[href="/studio/shows/${SHOW_INPUT.slug}/settings"]`);
    await page.waitForURL(/\/settings$/);
    await assertLabelled();
    assert.match((await page.textContent('#f-artwork-hint')) ?? '', /1400 à 3000 pixels/);
    const error = page.locator('#f-artwork-error');
    const tries: [string, RegExp][] = [
      [await image(1000, 1000, 'png'), /1000×1000 pixels.*1400 à 3000/],
      [await image(1600, 1400, 'jpg'), /1600×1400 pixels.*carrée/],
      [await image(1400, 1400, 'gif'), /pas une image JPEG ou PNG/],
    ];
    for (const [file, message] of tries) {
      await page.setInputFiles('#f-artwork', file);
      await page.click('#artwork-form button[type="submit"]');
      await error.filter({ hasText: message }).waitFor();
      assert.equal(await page.getAttribute('#f-artwork', 'aria-invalid'), 'true');
    }
    await shot('01-artwork-refused');
    const show = (await (
      await fetch(`${app.baseUrl}/api/shows/${SHOW_INPUT.slug}`, { headers: EDITOR_HEADERS })
    ).json()) as {
      artworkUrl: string;
    };
    assert.equal(show.artworkUrl, SHOW_INPUT.imageUrl, 'nothing stored by a refused image');
  });

  it('uploads good artwork: it shows at once and the feed carries it', async () => {
    await page.setInputFiles('#f-artwork', await image(1400, 1400, 'png'));
    await page.click('#artwork-form button[type="submit"]');
    await page.waitForSelector('#artwork-status:has-text("Pochette enregistrée")');
    const src = await page.getAttribute('img#artwork-current', 'src');
    assert.match(src ?? '', /\/media\/public\/shows\/.+\/artwork-[0-9a-f]{12}\.png$/);
    const loaded = await page.$eval('img#artwork-current', (img: HTMLImageElement) =>
      img.decode().then(() => img.naturalWidth),
    );
    assert.equal(loaded, 1400);
    assert.equal((await feed()).itunes?.image, src);
    // The reader's player and oEmbed show the uploaded artwork too (the article has no image).
    const embed = await (await fetch(`${app.baseUrl}/embed/episodes/${ready.id}`)).text();
    assert.match(embed, new RegExp(`<img class="ap-art" src="${src}"`));
    const pageUrl = `${app.baseUrl}/episodes/${ready.id}`;
    const oembed = (await (
      await fetch(`${app.baseUrl}/oembed?url=${encodeURIComponent(pageUrl)}`)
    ).json()) as { thumbnail_url?: string };
    assert.equal(oembed.thumbnail_url, src);
    await shot('02-artwork');
  });

  it('edits the show’s details: a wrong category is refused next to it, then saved', async () => {
    await page.fill('#f-title', 'Normandie Numérique « le podcast »');
    // The category is a choice among Apple's; a value from elsewhere is still refused by the API.
    await page.$eval('#f-category', (select: HTMLSelectElement) => {
      select.add(new Option('Pas une catégorie', 'Pas une catégorie', true, true));
    });
    await page.click('#show-settings-form button[type="submit"]');
    await page.locator('#f-category-error').filter({ hasText: /Apple/ }).waitFor();
    assert.equal(
      (await feed()).title,
      SHOW_INPUT.title,
      'a refused edit changes nothing in the feed',
    );
    await page.fill('#f-category-filter', 'politique');
    assert.equal(
      await page.$eval('#f-category', (s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      'Actualités › Politique',
    );
    await page.check('#f-explicit');
    await page.click('#show-settings-form button[type="submit"]');
    await page.waitForSelector('#show-settings-status:has-text("Enregistré")');
    assert.equal((await feed()).title, 'Normandie Numérique « le podcast »');
    const show = (await (
      await fetch(`${app.baseUrl}/api/shows/${SHOW_INPUT.slug}`, { headers: EDITOR_HEADERS })
    ).json()) as {
      explicit: boolean;
      subcategory: string;
    };
    assert.equal(show.explicit, true);
    assert.equal(show.subcategory, SHOW_INPUT.subcategory, 'fields left alone are kept');
  });

  it('makes a topic feed for one article category, then deletes it', async () => {
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}/settings`);
    const known = await page.$$eval('#known-categories option', (options) =>
      options.map((o) => (o as HTMLOptionElement).value),
    );
    assert.deepEqual(
      known,
      [...ARTICLE.categories].sort((a, b) => a.localeCompare(b, 'fr')),
    );
    await page.fill('#topic-slug', 'Pas Valide');
    await page.fill('#topic-title', 'Les « Événements »');
    await page.fill('#topic-category', 'Événements');
    await page.click('#topic-form button[type="submit"]');
    await page
      .locator('#topic-slug-error')
      .filter({ hasText: /lettres minuscules/ })
      .waitFor();
    await page.fill('#topic-slug', 'evenements');
    await page.click('#topic-form button[type="submit"]');
    await page.waitForSelector('#topics td:has-text("Les « Événements »")');
    await assertLabelled();
    await shot('03-topic');
    const topicUrl = await page.getAttribute('#topics a', 'href');
    assert.equal(topicUrl, `${app.baseUrl}/feeds/${SHOW_INPUT.slug}/evenements.xml`);
    const topic = (await new Parser().parseString(
      await (await fetch(topicUrl)).text(),
    )) as unknown as Feed;
    assert.equal(topic.title, 'Les « Événements »');
    assert.deepEqual(
      topic.items.map((i) => i.guid),
      [ready.guid],
    );
    await page.click('button.delete-topic');
    await page.waitForSelector('#topics', { state: 'detached' });
    assert.equal((await fetch(topicUrl)).status, 404);
  });

  it('shows loudness before and after processing, next to the target', async () => {
    await page.goto(`${app.baseUrl}/studio/episodes/${ready.id}`);
    await assertLabelled();
    const cells = async (row: string) =>
      page.locator(`#loudness tr:has(th:has-text("${row}")) td`).allTextContents();
    const fr = (v: number) => v.toFixed(1).replace('.', ',').replace('-', '[-−]');
    const integrated = await cells('Sonie intégrée');
    assert.match(integrated[0]!, new RegExp(`^${fr(ready.loudness.input.integrated)} LUFS$`));
    assert.match(integrated[1]!, new RegExp(`^${fr(ready.loudness.output.integrated)} LUFS$`));
    assert.match(integrated[2]!, /^[-−]16,0 LUFS$/);
    const peak = await cells('Crête vraie');
    assert.match(peak[2]!, /^≤ [-−]1,0 dBTP$/);
    assert.match(
      (await page.textContent('#loudness-treatment')) ?? '',
      /^Gain appliqué : [+\-−]\d/,
    );
    await shot('03-loudness');
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}`);
    const row = page.locator('#episodes tbody tr', { hasText: 'chef de file' });
    assert.match(
      (await row.locator('td').nth(4).textContent()) ?? '',
      /^[-−]\d+,\d → [-−]\d+,\d LUFS$/,
    );
  });

  it('edits the article details later: the feed and the API follow, the guid stays', async () => {
    const before = (await feed()).items.find((i) => i.title === ARTICLE.title);
    assert.ok(before?.guid);
    await page.goto(`${app.baseUrl}/studio/episodes/${ready.id}`);
    await page.click('#edit-article summary');
    assert.equal(await page.inputValue('#f-title'), ARTICLE.title);
    assert.equal(await page.inputValue('#f-categories'), ARTICLE.categories.join('\n'));
    // A required field left empty is told next to it before anything is sent.
    await page.fill('#f-title', '');
    await page.click('#metadata-form button[type="submit"]');
    await page.locator('#f-title-error').filter({ hasText: /\S/ }).waitFor();
    assert.equal(await page.getAttribute('#f-title', 'aria-invalid'), 'true');
    await page.fill('#f-title', 'La Team Normandie, « chef de file » du numérique’');
    await page.fill('#f-interviewees', 'Mounir Mahjoubi, secrétaire d’État chargée du numérique');
    await page.fill('#f-articleUrl', 'pas une adresse');
    await page.click('#metadata-form button[type="submit"]');
    await page.locator('#f-articleUrl-error').filter({ hasText: /\S/ }).waitFor();
    assert.equal(await page.getAttribute('#f-articleUrl', 'aria-invalid'), 'true');
    assert.equal((await episode(ready.id)).title, ARTICLE.title, 'nothing saved on error');
    await page.fill('#f-articleUrl', ARTICLE.articleUrl);
    await page.click('#metadata-form button[type="submit"]');
    await page.waitForSelector('#metadata-status:has-text("Enregistré")');
    assert.equal(await page.textContent('h1'), 'La Team Normandie, « chef de file » du numérique’');
    await shot('04-edited');

    const after = await episode(ready.id);
    assert.equal(after.title, 'La Team Normandie, « chef de file » du numérique’');
    assert.deepEqual(after.interviewees, [
      { name: 'Mounir Mahjoubi', role: 'secrétaire d’État chargée du numérique' },
    ]);
    assert.equal(after.guid, ready.guid);
    const item = (await feed()).items.find((i) => i.guid === before.guid);
    assert.equal(item?.title, 'La Team Normandie, « chef de file » du numérique’');
  });

  it('sets what podcast apps read: type and numbers, chapters typed one a line, a transcript file', async () => {
    await page.goto(`${app.baseUrl}/studio/episodes/${ready.id}`);
    await page.click('#edit-podcast summary');
    await assertLabelled();
    await page.selectOption('#f-episodeType', 'bonus');
    await page.fill('#f-season', '2');
    await page.fill('#f-episodeNumber', '7');
    await page.selectOption('#f-explicit', 'no');
    await page.fill('#f-location-name', 'Caen, Normandie');
    await page.fill('#f-location-geo', 'pas des coordonnées');
    await page.click('#feed-fields-form button[type="submit"]');
    await page.locator('#f-location-geo-error').filter({ hasText: /geo/ }).waitFor();
    await page.fill('#f-location-geo', 'geo:49.1829,-0.3707');
    await page.click('#feed-fields-form button[type="submit"]');
    await page.waitForSelector('#feed-fields-status:has-text("Enregistré")');

    await page.fill('#f-chapters', '0:00 Accueil\n0:05 La « fibre », enfin\npas une heure');
    await page.click('#chapters-form button[type="submit"]');
    await page
      .locator('#f-chapters-error')
      .filter({ hasText: /ligne 3/ })
      .waitFor();
    await page.fill('#f-chapters', '0:00 Accueil\n0:05 La « fibre », enfin');
    await page.click('#chapters-form button[type="submit"]');
    await page.waitForSelector('#chapters-status:has-text("Enregistré")');

    const vtt = path.join(work, 'entretien.vtt');
    await fs.writeFile(
      vtt,
      'WEBVTT\n\n00:00.000 --> 00:04.000\nBonjour, « madame la secrétaire d’État ».\n',
    );
    await page.setInputFiles('#f-transcript', vtt);
    await page.click('#transcript-form button[type="submit"]');
    await page.waitForSelector('#transcript-status:has-text("Transcription enregistrée")');
    await shot('05-podcast-apps');

    const body = (await episode(ready.id)) as unknown as {
      episodeType: string;
      season: number;
      episodeNumber: number;
      explicit: boolean;
      chaptersUrl: string;
      transcript: { url: string };
    };
    assert.deepEqual(
      [body.episodeType, body.season, body.episodeNumber, body.explicit],
      ['bonus', 2, 7, false],
    );
    assert.deepEqual(await (await fetch(body.chaptersUrl)).json(), {
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Accueil' },
        { startTime: 5, title: 'La « fibre », enfin' },
      ],
    });
    assert.match(
      await (await fetch(body.transcript.url)).text(),
      /« madame la secrétaire d’État »/,
    );
    const xml = await (await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`)).text();
    assert.match(xml, /<itunes:episodeType>bonus<\/itunes:episodeType>/);
    assert.match(xml, /<itunes:season>2<\/itunes:season>/);
    assert.match(xml, /<itunes:episode>7<\/itunes:episode>/);
    assert.match(
      xml,
      /<podcast:location geo="geo:49.1829,-0.3707">Caen, Normandie<\/podcast:location>/,
    );
    assert.ok(xml.includes(`<podcast:chapters url="${body.chaptersUrl}"`));
    assert.ok(xml.includes(`<podcast:transcript url="${body.transcript.url}"`));
    // Shown again as typed when the page comes back.
    await page.reload();
    assert.equal(await page.inputValue('#f-chapters'), '0:00 Accueil\n0:05 La « fibre », enfin');
    // The embed code now makes room for the chapters and transcript, as oEmbed does.
    const oembed = (await (
      await fetch(
        `${app.baseUrl}/oembed?url=${encodeURIComponent(`${app.baseUrl}/episodes/${ready.id}`)}`,
      )
    ).json()) as { height: number; html: string };
    assert.equal(oembed.height, 420);
    assert.match(await page.inputValue('#embed-code'), / height="420"/);
  });

  it('says why an episode failed and processes it again on request', async () => {
    await page.goto(`${app.baseUrl}/studio/episodes/${failed.id}`);
    assert.equal(await page.textContent('#episode-state'), 'Échec');
    assert.equal(await page.textContent('#failure'), failed.failureReason);
    assert.ok(failed.failureReason && failed.failureReason.length > 10);
    await shot('05-failed');
    await page.click('#retry');
    // A new processing run (the revision moves on), which fails again for the same reason.
    const deadline = Date.now() + 60_000;
    let body = await episode(failed.id);
    while (body.processingRevision === failed.processingRevision || body.state !== 'failed') {
      assert.ok(Date.now() < deadline, `still ${body.state}, revision ${body.processingRevision}`);
      await new Promise((r) => setTimeout(r, 200));
      body = await episode(failed.id);
    }
    assert.equal(body.processingRevision, failed.processingRevision + 1);
    assert.equal(body.failureReason, failed.failureReason);
    await page.waitForSelector('#episode-state.state-failed');
    assert.equal(await page.textContent('#failure'), failed.failureReason);
  });

  it('says plainly when the session expired: next to the form, keeping what was typed, then on sign-in', async () => {
    await page.goto(`${app.baseUrl}/studio/shows/${SHOW_INPUT.slug}/settings`);
    await app.antenne.db.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    await page.fill('#f-title', 'Un titre tapé avant l’expiration');
    await page.click('#show-settings-form button[type="submit"]');
    const general = page.locator('#show-settings-form [data-error-for="(form)"]');
    await general.filter({ hasText: /session a expiré/ }).waitFor();
    assert.equal(await general.locator('a[target="_blank"]').count(), 1);
    assert.equal(await page.inputValue('#f-title'), 'Un titre tapé avant l’expiration');
    await shot('06-expired-form');
    await page.reload();
    await page.waitForURL(/\/studio\/login\?next=.*&expired=1$/);
    assert.match((await page.textContent('#session-expired')) ?? '', /session a expiré/);
  });
});
