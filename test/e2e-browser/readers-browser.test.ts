/**
 * Issue 5 acceptance in a real browser (playwright-core + Debian's Chromium):
 * a page on another origin embeds the player; play, keyboard, chapters, clip
 * end, waveform pixels, accessible names, deep links, no-JS fallback, XSS.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type Frame, type Page } from 'playwright-core';
import {
  EDITOR_HEADERS,
  MP3_ONLY_LADDER,
  startTestApp,
  uploadEpisode,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { tempDir } from '../helpers/audio.js';
import { launchChromium } from '../helpers/browser.js';
import { interview } from '../fixtures/audio.js';

const run = promisify(execFile);
const XSS_TITLE = 'Entretien <img src=x onerror=alert(1)> « chef de file »';
const ARTIFACTS = path.resolve('test-artifacts');

/** The "newsroom" site: another origin that embeds the player and hosts the artwork. */
async function startHostSite(artwork: Buffer) {
  let body = '<!doctype html><title>host</title>';
  const server = http.createServer((req, res) => {
    if (req.url === '/art.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(artwork);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    setBody: (html: string) => (body = html),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function currentTime(frame: Frame): Promise<number> {
  return frame.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime);
}

/** Polls a predicate in the frame (the player's CSP forbids string eval, so no waitForFunction strings). */
async function waitFor(frame: Frame, fn: () => boolean, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await frame.evaluate(fn))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${fn.toString()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reader side in Chromium: embed, clip, oEmbed, public page', function () {
  // Longer than the layer’s timeout: processes speech, then plays the embed and clips in Chromium.
  this.timeout(180_000);
  let app: TestApp;
  let host: Awaited<ReturnType<typeof startHostSite>>;
  let browser: Browser;
  let work: string;
  let episodeId: string;
  let clipId: string;
  const dialogs: string[] = [];

  before(async () => {
    work = await tempDir();
    const png = path.join(work, 'art.png');
    await run('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=0x2a6f97:s=64x64',
      '-frames:v',
      '1',
      png,
    ]);
    host = await startHostSite(await fs.readFile(png));
    app = await startTestApp({ engine: 'pglite' });
    const show = await app.authed('/api/shows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // The player plays the MP3 (the enclosure), the only rendition read: the show encodes it alone.
      body: JSON.stringify({
        ...SHOW_INPUT,
        imageUrl: `${host.origin}/art.png`,
        renditionProfiles: MP3_ONLY_LADDER,
      }),
    });
    assert.equal(show.status, 201, await show.clone().text());
    const upload = await uploadEpisode(app, await interview(), { title: XSS_TITLE });
    assert.equal(upload.status, 202, await upload.clone().text());
    episodeId = ((await upload.json()) as { id: string }).id;
    const ready = await waitForEpisode(app.baseUrl, episodeId);
    assert.equal(ready.state, 'ready', String(ready.failureReason));
    // Readers see published episodes only.
    const published = await app.authed(`/api/episodes/${episodeId}/publish`, { method: 'POST' });
    assert.equal(published.status, 200, await published.clone().text());
    // Chapters and transcript as an editor uploads them for the feed: the player reads the same files.
    const chapters = await app.authed(`/api/episodes/${episodeId}/chapters`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '1.2.0',
        chapters: [
          { startTime: 0, title: 'Introduction' },
          { startTime: 7, title: 'La « Team Normandie »' },
        ],
      }),
    });
    assert.equal(chapters.status, 200, await chapters.clone().text());
    const transcript = await app.authed(`/api/episodes/${episodeId}/transcript`, {
      method: 'PUT',
      headers: { 'content-type': 'text/vtt' },
      body: [
        'WEBVTT',
        '',
        '00:00:00.000 --> 00:00:04.000',
        '<v Journaliste>Bonjour madame la secrétaire d’État.',
        '',
        '00:00:04.000 --> 00:00:09.000',
        '<v Secrétaire d’État>Oui, et je crois que c’est une très bonne nouvelle.',
        '',
      ].join('\n'),
    });
    assert.equal(transcript.status, 200, await transcript.clone().text());

    const clip = await app.authed(`/api/episodes/${episodeId}/clips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Extrait ${XSS_TITLE}`, start: 2, end: 4.5 }),
    });
    assert.equal(clip.status, 202, await clip.clone().text());
    clipId = ((await clip.json()) as { id: string }).id;
    for (let i = 0; ; i++) {
      const c = (await (
        await fetch(`${app.baseUrl}/api/clips/${clipId}`, { headers: EDITOR_HEADERS })
      ).json()) as {
        state: string;
      };
      if (c.state === 'ready') break;
      assert.notEqual(c.state, 'failed');
      assert.ok(i < 200, 'clip not cut in time');
      await new Promise((r) => setTimeout(r, 150));
    }

    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await host?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  async function embedOnHost(
    src: string,
  ): Promise<{ page: Page; frame: Frame; requests: string[]; encodings: Map<string, string> }> {
    const page = await browser.newPage();
    const requests: string[] = [];
    const encodings = new Map<string, string>();
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', (r) =>
      encodings.set(r.url(), r.headers()['content-encoding'] ?? 'identity'),
    );
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    host.setBody(
      `<!doctype html><title>Article</title><h1>Article</h1><iframe id="player" src="${src}" width="640" height="420" allow="clipboard-write"></iframe>`,
    );
    await page.goto(`${host.origin}/article`);
    const frame = await (await page.locator('#player').elementHandle()).contentFrame();
    assert.ok(frame);
    await frame.waitForSelector('.ap-js');
    return { page, frame, requests, encodings };
  }

  it('plays inside an iframe on another origin: play, ArrowRight, chapter click, waveform, names', async () => {
    const { page, frame, requests, encodings } = await embedOnHost(
      `${app.baseUrl}/embed/episodes/${episodeId}`,
    );
    assert.notEqual(new URL(frame.url()).origin, new URL(page.url()).origin);

    // Real click on play: currentTime advances.
    await frame.getByRole('button', { name: 'Lire' }).click();
    await waitFor(frame, () => document.querySelector('audio')!.currentTime > 0.6);
    assert.equal(await frame.getByRole('button', { name: 'Pause' }).count(), 1);
    assert.match((await frame.locator('.ap-live').textContent()) ?? '', /Lecture/);

    // Pause, then ArrowRight: +5 s.
    await frame.getByRole('button', { name: 'Pause' }).click();
    const before = await currentTime(frame);
    await page.keyboard.press('ArrowRight');
    const after = await currentTime(frame);
    assert.ok(Math.abs(after - before - 5) < 0.3, `ArrowRight moved ${before} → ${after}`);
    await page.keyboard.press('ArrowLeft');
    assert.ok(Math.abs((await currentTime(frame)) - before) < 0.3);

    // Chapter click seeks to its start (and plays).
    await frame.getByRole('link', { name: /Team Normandie/ }).click();
    const atChapter = await currentTime(frame);
    assert.ok(atChapter >= 7 && atChapter < 7.8, `chapter seek landed at ${atChapter}`);
    await waitFor(frame, () => !document.querySelector('audio')!.paused);
    assert.equal(
      await frame
        .locator('.ap-chapters a[aria-current="true"]')
        .textContent()
        .then((t) => t?.trim()),
      '0:07 La « Team Normandie »',
    );
    // Alt+ArrowLeft: back to the previous chapter.
    await frame.locator('audio').evaluate((a: HTMLAudioElement) => a.pause());
    await page.keyboard.press('Alt+ArrowLeft');
    assert.ok((await currentTime(frame)) < 0.3);
    // The transcript follows: the active cue at 5 s is the second line.
    await frame.locator('.ap-cue').nth(1).click();
    assert.ok(Math.abs((await currentTime(frame)) - 4) < 0.3);
    await waitFor(
      frame,
      () => document.querySelector<HTMLElement>('.ap-cue[aria-current]')?.dataset.t === '4',
    );

    // Speed: Alt+ArrowUp.
    await page.keyboard.press('Alt+ArrowUp');
    assert.equal(
      await frame.locator('audio').evaluate((a: HTMLAudioElement) => a.playbackRate),
      1.25,
    );

    // The waveform canvas carries bars of varying heights drawn from the peaks.
    await waitFor(frame, () => document.querySelector<HTMLCanvasElement>('.ap-canvas')!.width > 0);
    const columns = await frame.locator('.ap-canvas').evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!;
      const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
      const heights: number[] = [];
      for (let x = 0; x < width; x += 3) {
        let filled = 0;
        for (let y = 0; y < height; y++) if (data[(y * width + x) * 4 + 3]! > 0) filled++;
        heights.push(filled / height);
      }
      return heights;
    });
    assert.ok(Math.max(...columns) > 0.3, `tallest bar ${Math.max(...columns)}`);
    assert.ok(Math.min(...columns) < 0.1, 'silences are drawn low');
    // Drawn from the player's light set, compressed, never from the studio's full one.
    const peaks = requests.filter((u) => /peaks-[0-9a-f]{12}\.json$/.test(u));
    assert.ok(peaks.length > 0, requests.join('\n'));
    for (const url of peaks) {
      assert.match(url, /\/player-peaks-[0-9a-f]{12}\.json$/);
      assert.match(encodings.get(url) ?? '', /^(br|gzip)$/, url);
    }

    // Every button (and form control) has an accessible name.
    const snapshot = await frame.locator('.ap').ariaSnapshot();
    const controls = snapshot.split('\n').filter((l) => /- (button|combobox|slider)\b/.test(l));
    assert.ok(controls.length >= 6, snapshot);
    for (const line of controls) assert.match(line, /- (button|combobox|slider) "[^"]+"/, line);
    assert.equal(
      await frame.getByRole('button').count(),
      controls.filter((l) => l.includes('- button')).length,
    );

    // Share: the link carries ?t= at the current time.
    await frame.locator('audio').evaluate((a: HTMLAudioElement) => (a.currentTime = 6.4));
    await frame.getByRole('button', { name: 'Partager ce moment' }).click();
    const shared = await frame.locator('.ap-link-input').inputValue();
    assert.equal(shared, `${app.baseUrl}/episodes/${episodeId}?t=6`);

    // Screenshot for humans (test-artifacts/ is not committed).
    await fs.mkdir(ARTIFACTS, { recursive: true });
    await page.locator('#player').screenshot({ path: path.join(ARTIFACTS, 'player.png') });

    // No third-party requests: our origin, the host page and the show's artwork only.
    const origins = new Set(requests.map((u) => new URL(u).origin));
    assert.deepEqual([...origins].sort(), [app.baseUrl, host.origin].sort());
    assert.ok(requests.every((u) => u.startsWith(app.baseUrl) || u.startsWith(host.origin)));
    // The title is text, never markup.
    assert.equal((await frame.locator('h1').textContent())?.trim(), XSS_TITLE);
    assert.equal(await frame.locator('img[src="x"]').count(), 0);
    await page.close();
  });

  it('a clip plays in its own player and stops at its end', async () => {
    const { page, frame } = await embedOnHost(`${app.baseUrl}/embed/clips/${clipId}`);
    await frame.getByRole('button', { name: 'Lire' }).click();
    await waitFor(frame, () => document.querySelector('audio')!.ended, 20_000);
    const state = await frame.locator('audio').evaluate((a: HTMLAudioElement) => ({
      t: a.currentTime,
      d: a.duration,
      paused: a.paused,
    }));
    assert.ok(state.paused);
    assert.ok(Math.abs(state.d - 2.5) < 0.15, `clip lasts ${state.d}`);
    assert.ok(Math.abs(state.t - state.d) < 0.05);
    assert.equal((await frame.locator('h1').textContent())?.trim(), `Extrait ${XSS_TITLE}`);
    await page.close();
  });

  it('deep links: #t=start,end plays that span; ?t= starts there', async () => {
    const { page, frame } = await embedOnHost(`${app.baseUrl}/embed/episodes/${episodeId}#t=2,3.5`);
    assert.ok(Math.abs((await currentTime(frame)) - 2) < 0.2);
    await frame.getByRole('button', { name: 'Lire' }).click();
    await waitFor(
      frame,
      () =>
        document.querySelector('audio')!.paused && document.querySelector('audio')!.currentTime > 3,
    );
    const stopped = await currentTime(frame);
    assert.ok(stopped >= 3.5 && stopped < 4.2, `stopped at ${stopped}`);
    await page.close();

    const second = await embedOnHost(
      `${app.baseUrl}/embed/episodes/${episodeId}?t=6&theme=dark&accent=0a7d3b`,
    );
    await waitFor(second.frame, () => document.querySelector('audio')!.readyState >= 1);
    assert.ok(Math.abs((await currentTime(second.frame)) - 6) < 0.3);
    const accent = await second.frame
      .locator('.ap-play')
      .evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(accent, 'rgb(10, 125, 59)');
    await second.page.close();
  });

  it('works without JavaScript as a bare <audio controls>', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/embed/episodes/${episodeId}`);
    assert.equal(await page.locator('audio[controls]').isVisible(), true);
    assert.equal(await page.locator('.ap-ui').isVisible(), false);
    assert.equal(await page.locator('audio').getAttribute('preload'), 'metadata');
    await context.close();
  });

  it('the public page: discovery, oEmbed html on the host, player card, JSON-LD, no script from the title', async () => {
    const page = await browser.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const pageUrl = `${app.baseUrl}/episodes/${episodeId}`;
    await page.goto(pageUrl);
    assert.equal((await page.locator('h1').textContent())?.trim(), XSS_TITLE);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    const href = await page
      .locator('link[rel="alternate"][type="application/json+oembed"]')
      .getAttribute('href');
    assert.ok(href);
    const oembed = (await page.evaluate(
      async (u) => (await fetch(u)).json() as Promise<unknown>,
      href,
    )) as Record<string, unknown>;
    assert.equal(oembed.version, '1.0');
    assert.equal(oembed.type, 'rich');
    assert.equal(oembed.title, XSS_TITLE);
    assert.match(
      String(oembed.html),
      new RegExp(`^<iframe src="${app.baseUrl}/embed/episodes/${episodeId}"`),
    );
    assert.equal(
      await page.locator('meta[name="twitter:player"]').getAttribute('content'),
      `${app.baseUrl}/embed/episodes/${episodeId}`,
    );
    assert.equal(
      await page.locator('meta[property="og:title"]').getAttribute('content'),
      XSS_TITLE,
    );
    const ld = JSON.parse(
      (await page.locator('script[type="application/ld+json"]').textContent()) ?? '',
    ) as Record<string, unknown>;
    assert.equal(ld['@type'], 'PodcastEpisode');
    assert.equal(ld.name, XSS_TITLE);
    assert.equal(await page.locator('.ap-transcript').isVisible(), true);
    assert.match((await page.locator('.ap-transcript').textContent()) ?? '', /secrétaire d’État/);
    assert.match(await page.locator('#embed-code').inputValue(), /^<iframe src=/);

    // The oEmbed html, pasted into the newsroom's page, frames our player and runs nothing else.
    host.setBody(`<!doctype html><title>CMS</title>${String(oembed.html)}`);
    const hostPage = await browser.newPage();
    hostPage.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await hostPage.goto(`${host.origin}/cms`);
    const frame = await (await hostPage.locator('iframe').elementHandle()).contentFrame();
    await frame!.waitForSelector('.ap-js');
    assert.equal((await frame!.locator('h1').textContent())?.trim(), XSS_TITLE);
    await hostPage.close();
    await page.close();
    assert.deepEqual(dialogs, [], 'no dialog (alert) ran in any page');
  });
});
